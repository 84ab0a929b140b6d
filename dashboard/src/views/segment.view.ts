import { lineChart, type Series } from '../charts.ts';
import { csvLink, toCsv } from '../csv.ts';
import { h } from '../dom.ts';
import {
  day,
  euros,
  gapClass,
  inputDate,
  leads,
  locale,
  number,
  parseInputDate,
  percent,
} from '../format.ts';
import { fill } from '../i18n.ts';
import {
  act,
  asOfLine,
  currentBudget,
  dataTable,
  kpi,
  page,
  reasonText,
  refreshKillSwitch,
  term,
} from '../page.ts';
import type { Decision, Override, Plan, Segment, Stats } from '../types.ts';

/** Segment: its charts, the decision log with explanations, overrides, pause and resume. */
export async function segmentView(id: string): Promise<HTMLElement> {
  const { t, language, api } = page;
  // 90 days ending the business day the overview describes (as_of), not the browser's clock.
  const [segment] = await Promise.all([api.get<Segment>(`/api/lead-segments/${id}`), refreshKillSwitch()]);
  const to = segment.overview.as_of;
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${from}&to=${to}`;
  const [stats, plans, decisions, overrides] = await Promise.all([
    api.get<{ items: Stats[] }>(`/api/lead-segments/${id}/stats?${range}`),
    api.get<{ items: Plan[] }>(`/api/lead-segments/${id}/plans?${range}`),
    api.get<{ items: Decision[] }>(`/api/lead-segments/${id}/decisions?${range}&limit=100`),
    api.get<{ items: Override[] }>(`/api/lead-segments/${id}/overrides?limit=50`),
  ]);
  const dates = stats.items.map((s) => s.date);
  const planOn = new Map(plans.items.map((p) => [p.date, p]));
  const chart = (title: string, series: Series[], format: (value: number) => string) => {
    const area = h('div', { class: 'chart', 'data-chart': title, role: 'img', 'aria-label': title });
    area.addEventListener('draw', () =>
      lineChart(area, dates, series, format, { date: t.date, locale: locale(language) }),
    );
    return h('figure', { class: 'card' }, h('figcaption', {}, title), area);
  };
  const overrideForm = h(
    'form',
    {
      class: 'override-form',
      onSubmit: (event: Event) => {
        event.preventDefault();
        const form = event.target as HTMLFormElement;
        const data = new FormData(form);
        const value = Number(data.get('value'));
        // Dates are typed as dd-mm-jjjj (a native date field follows the browser's locale).
        const date = (name: string) => {
          const text = String(data.get(name) ?? '');
          const field = form.elements.namedItem(name) as HTMLInputElement;
          const iso = text.trim() === '' ? null : parseInputDate(text);
          field.setCustomValidity(text.trim() !== '' && iso === null ? t.invalidDate : '');
          return iso;
        };
        const validFrom = date('valid_from');
        const validTo = date('valid_to');
        if (!form.reportValidity() || validFrom === null) return;
        const body = {
          target_leads_per_day: value,
          valid_from: validFrom,
          valid_to: validTo,
          reason: String(data.get('reason')),
        };
        void act(fill(t.confirmOverride, { value, segment: segment.name }), () =>
          api.post(`/api/lead-segments/${id}/overrides`, body),
        );
      },
    },
    h('label', {}, t.value, h('input', { name: 'value', type: 'number', min: 0, step: 1, required: true })),
    h('label', {}, t.validFrom, dateInput('valid_from', inputDate(to), true)),
    h('label', {}, t.validTo, dateInput('valid_to', '', false)),
    h(
      'label',
      { class: 'wide' },
      t.reason,
      h('input', { name: 'reason', type: 'text', required: true, maxlength: 500 }),
    ),
    h('button', { type: 'submit', class: 'primary' }, t.setOverride),
  );
  return h(
    'section',
    { 'aria-labelledby': 'segment-title' },
    h('a', { href: '#/', class: 'back' }, t.back),
    asOfLine(to),
    h(
      'div',
      { class: 'segment-head' },
      h('h2', { id: 'segment-title' }, segment.name),
      segment.orchestration_paused ? h('span', { class: 'tag' }, t.paused) : null,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onClick: () =>
            void act(
              fill(segment.orchestration_paused ? t.confirmResume : t.confirmPause, {
                segment: segment.name,
              }),
              () => api.post(`/api/lead-segments/${id}/${segment.orchestration_paused ? 'resume' : 'pause'}`),
            ),
        },
        segment.orchestration_paused ? t.resume : t.pause,
      ),
    ),
    h(
      'dl',
      { class: 'kpis' },
      kpi(t.capacity, number(segment.overview.capacity_total_leads, language, 1)),
      kpi(
        segment.latest_plan?.target_source === 'override' ? `${t.target} (${t.override})` : t.target,
        leads(segment.latest_plan?.target_leads_per_day, language),
        { 'data-field': 'target' },
      ),
      kpi(t.actualYesterday, number(segment.overview.leads_yesterday, language), {
        'data-field': 'yesterday',
      }),
      kpi(t.average7d, number(segment.overview.leads_7d_avg, language, 1)),
      kpi(
        t.gap,
        percent(segment.latest_plan?.lead_gap_percentage, language),
        { 'data-field': 'gap' },
        gapClass(segment.latest_plan?.lead_gap_percentage),
      ),
      kpi(t.budget, euros(currentBudget(segment), language), {
        'data-field': 'budget',
      }),
    ),
    h(
      'p',
      { class: 'exports' },
      csvLink(t.exportStats, `lfi-cijfers-${segment.code}-${from}-${to}.csv`, () =>
        statsCsv(segment, stats.items, planOn),
      ),
    ),
    dates.length === 0
      ? h('p', { class: 'state empty' }, t.noStats)
      : h(
          'div',
          { class: 'charts' },
          chart(
            t.leadsVsTarget,
            [
              { label: t.leads, values: stats.items.map((s) => s.leads_generated), colour: '#1d4ed8' },
              {
                label: t.target,
                values: dates.map((d) => planOn.get(d)?.target_leads_per_day ?? null),
                colour: '#15803d',
                dash: [6, 4],
              },
            ],
            (v) => leads(v, language),
          ),
          chart(
            t.budgetVsSpend,
            [
              {
                label: t.budget,
                values: dates.map((d) => nullableNumber(planOn.get(d)?.actual_daily_budget_google_ads)),
                colour: '#7c3aed',
              },
              {
                label: t.spend,
                values: stats.items.map((s) => Number(s.google_ads_spend)),
                colour: '#c2410c',
              },
            ],
            (v) => euros(String(v), language),
          ),
          chart(
            t.costPerLead,
            [{ label: t.cpl, values: stats.items.map((s) => nullableNumber(s.avg_cpl)), colour: '#0f766e' }],
            (v) => euros(String(v), language),
          ),
        ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'overrides-title' },
      h('h3', { id: 'overrides-title' }, t.overrides),
      overrideForm,
      overrides.items.length === 0 ? h('p', { class: 'hint' }, t.noOverrides) : null,
      h(
        'ul',
        { class: 'overrides' },
        ...overrides.items.map((o) =>
          h(
            'li',
            {},
            `${number(o.target_leads_per_day, language)} · ${day(o.valid_from, language)} – ${o.valid_to ? day(o.valid_to, language) : '…'} · ${o.reason} (${o.created_by}, ${o.active ? t.active : t.expired})`,
            o.active
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'link',
                    onClick: () =>
                      void act(fill(t.confirmClear, { segment: segment.name }), () =>
                        api.delete(`/api/lead-segments/${id}/overrides/${o.id}`),
                      ),
                  },
                  t.clearOverride,
                )
              : null,
          ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'decisions-title' },
      h(
        'div',
        { class: 'card-head' },
        h('h3', { id: 'decisions-title' }, t.decisions),
        csvLink(t.exportDecisions, `lfi-beslissingen-${segment.code}-${to}.csv`, () =>
          decisionsCsv(segment, decisions.items),
        ),
      ),
      dataTable(
        'decisions',
        [t.date, t.action, t.budget, t.explanation],
        decisions.items.map((d) =>
          h(
            'tr',
            {},
            h('td', { 'data-field': 'date' }, day(d.date, language)),
            h('td', {}, h('span', { class: `status ${d.status}` }, term(d.status))),
            h(
              'td',
              { class: 'num' },
              `${euros(d.old_value, language)} → ${euros(d.new_value, language)}`,
              campaignChanges(d),
            ),
            h(
              'td',
              { class: 'explanation', 'data-field': 'explanation' },
              d.error_message ? `${reasonText(d)} — ${d.error_message}` : reasonText(d),
            ),
          ),
        ),
        t.noDecisions,
        t.decisions,
      ),
    ),
  );
}

/** A decision over several campaign budgets: each one's own move and account, a failed one marked. */
function campaignChanges(d: Decision): HTMLElement | null {
  const { t, language } = page;
  if (d.changes.length < 2) return null;
  return h(
    'ul',
    { class: 'campaign-changes', 'aria-label': t.budget },
    ...d.changes.map((c) =>
      h(
        'li',
        { class: c.error_message ? 'failed' : '' },
        `${fill(t.campaignChange, { campaign: c.campaign_id, account: c.customer_id })}: `,
        `${euros(c.old_value, language)} → ${euros(c.new_value, language)}`,
        c.error_message ? ` (${term('failed')})` : '',
      ),
    ),
  );
}

function nullableNumber(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A dd-mm-jjjj text field: the native date input follows the browser's locale, not the page's. */
function dateInput(name: string, value: string, required: boolean): HTMLElement {
  return h('input', {
    name,
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder: page.t.datePlaceholder,
    value,
    required,
    maxlength: 10,
    onInput: (event: Event) => (event.target as HTMLInputElement).setCustomValidity(''),
  });
}

/** The segment's daily numbers with each day's plan beside them, as the API gives them. */
function statsCsv(segment: Segment, stats: readonly Stats[], planOn: ReadonlyMap<string, Plan>): string {
  return toCsv(
    [
      'segment',
      'date',
      'leads_generated',
      'leads_accepted',
      'leads_rejected',
      'leads_pending',
      'revenue',
      'avg_cpl',
      'google_ads_spend',
      'google_ads_clicks',
      'capacity_partners',
      'capacity_total_leads',
      'target_leads_per_day',
      'target_source',
      'lead_gap_percentage',
      'daily_budget',
    ],
    stats.map((s) => {
      const plan = planOn.get(s.date);
      return [
        segment.code,
        s.date,
        s.leads_generated,
        s.leads_accepted,
        s.leads_rejected,
        s.leads_pending,
        s.revenue,
        s.avg_cpl,
        s.google_ads_spend,
        s.google_ads_clicks,
        s.capacity_partners,
        s.capacity_total_leads,
        plan?.target_leads_per_day,
        plan?.target_source,
        plan?.lead_gap_percentage,
        plan?.actual_daily_budget_google_ads,
      ];
    }),
  );
}

/** The decision log: the reason as code and parameters, and the stored English line. */
function decisionsCsv(segment: Segment, decisions: readonly Decision[]): string {
  return toCsv(
    [
      'segment',
      'date',
      'status',
      'action_type',
      'old_value',
      'new_value',
      'reason_code',
      'reason_params',
      'explanation',
      'error_message',
      'created_at',
    ],
    decisions.map((d) => [
      segment.code,
      d.date,
      d.status,
      d.action_type,
      d.old_value,
      d.new_value,
      d.reason_code,
      JSON.stringify(d.reason_params),
      d.explanation,
      d.error_message,
      d.created_at,
    ]),
  );
}
