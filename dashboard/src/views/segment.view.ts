import { lineChart, type Series } from '../charts.ts';
import { h } from '../dom.ts';
import { day, euros, gapClass, leads, locale, number, percent } from '../format.ts';
import { fill } from '../i18n.ts';
import { act, dataTable, kpi, loadSegments, page, refreshKillSwitch, term } from '../page.ts';
import type { Decision, Override, Plan, Stats } from '../types.ts';

/** Segment: its charts, the decision log with explanations, overrides, pause and resume. */
export async function segmentView(id: string): Promise<HTMLElement> {
  const { t, language, api } = page;
  // 90 days ending the server's "yesterday" in Amsterdam (as_of), not the browser's clock.
  const segments = await loadSegments();
  const segment = segments.find((s) => s.id === id);
  if (!segment) throw new Error(`${t.segment} ${id}?`);
  const to = segment.overview.as_of;
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${from}&to=${to}`;
  const [stats, plans, decisions, overrides] = await Promise.all([
    api.get<{ items: Stats[] }>(`/api/lead-segments/${id}/stats?${range}`),
    api.get<{ items: Plan[] }>(`/api/lead-segments/${id}/plans?${range}`),
    api.get<{ items: Decision[] }>(`/api/lead-segments/${id}/decisions?${range}&limit=100`),
    api.get<{ items: Override[] }>(`/api/lead-segments/${id}/overrides?limit=50`),
    refreshKillSwitch(),
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
        const data = new FormData(event.target as HTMLFormElement);
        const value = Number(data.get('value'));
        const body = {
          target_leads_per_day: value,
          valid_from: String(data.get('valid_from')),
          valid_to: data.get('valid_to') ? String(data.get('valid_to')) : null,
          reason: String(data.get('reason')),
        };
        void act(fill(t.confirmOverride, { value, segment: segment.name }), () =>
          api.post(`/api/lead-segments/${id}/overrides`, body),
        );
      },
    },
    h('label', {}, t.value, h('input', { name: 'value', type: 'number', min: 0, step: 1, required: true })),
    h('label', {}, t.validFrom, h('input', { name: 'valid_from', type: 'date', required: true, value: to })),
    h('label', {}, t.validTo, h('input', { name: 'valid_to', type: 'date' })),
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
      kpi(t.budget, euros(segment.latest_plan?.actual_daily_budget_google_ads, language), {
        'data-field': 'budget',
      }),
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
            (v) => number(v, language),
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
      h('h3', { id: 'decisions-title' }, t.decisions),
      dataTable(
        'decisions',
        [t.date, t.action, t.budget, t.explanation],
        decisions.items.map((d) =>
          h(
            'tr',
            {},
            h('td', {}, day(d.date, language)),
            h('td', {}, h('span', { class: `status ${d.status}` }, term(d.status))),
            h('td', { class: 'num' }, `${euros(d.old_value, language)} → ${euros(d.new_value, language)}`),
            h('td', {}, d.error_message ? `${d.explanation} — ${d.error_message}` : d.explanation),
          ),
        ),
        t.noDecisions,
      ),
    ),
  );
}

function nullableNumber(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
