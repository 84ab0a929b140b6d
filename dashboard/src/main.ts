import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { DashboardConfig } from '../../shared/dashboard/dashboard-assets.ts';
import { type Api, type Auth, apiClient, createAuth } from './api.ts';
import { lineChart, type Series } from './charts.ts';
import { announce, confirmDialog, h } from './dom.ts';
import { day, euros, gapClass, leads, locale, moment, number, percent, place } from './format.ts';
import { dictionaries, fill, type Language, type Words } from './i18n.ts';
import type { Decision, Override, Plan, Segment, Stats, Status } from './types.ts';

let language: Language = localStorage.getItem('lfi-language') === 'en' ? 'en' : 'nl';
let t: Words = dictionaries[language];
let api: Api;
let auth: Auth;
const state = { branch: '', region: '', sort: 'gap' as keyof typeof sorters, descending: true };

const main = () => document.getElementById('main') as HTMLElement;

async function start(): Promise<void> {
  document.documentElement.lang = language;
  const config = (await (await fetch('config.json')).json()) as DashboardConfig;
  auth = await createAuth(config);
  api = apiClient(() => auth.token());
  window.addEventListener('hashchange', () => void route());
  await route();
}

/** Hash routes: #/ (overview), #/grid, #/status, #/segment/<id>. */
async function route(): Promise<void> {
  const [, view = '', id] = location.hash.replace(/^#/, '').split('/');
  renderChrome(view);
  if (!(await auth.signedIn())) return renderSignIn();
  await withStates(async () => {
    if (view === 'segment' && id) return segmentView(id);
    if (view === 'grid') return marketView(grid);
    if (view === 'status') return statusView();
    return marketView(overview);
  });
}

function renderChrome(view: string): void {
  document.title = t.title;
  const link = (href: string, label: string, name: string) =>
    h('a', { href, 'aria-current': view === name ? 'page' : undefined }, label);
  const header = document.getElementById('header') as HTMLElement;
  header.replaceChildren(
    h('h1', {}, t.title),
    h(
      'nav',
      { 'aria-label': t.title },
      link('#/', t.overview, ''),
      link('#/grid', t.grid, 'grid'),
      link('#/status', t.status, 'status'),
    ),
    h('span', { id: 'kill-switch-badge', class: 'badge', 'aria-live': 'polite' }),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onClick: () => {
          language = language === 'nl' ? 'en' : 'nl';
          localStorage.setItem('lfi-language', language);
          t = dictionaries[language];
          document.documentElement.lang = language;
          void route();
        },
      },
      t.language,
    ),
  );
}

/** Loading first, then the view, or an error with a way to try again; never a blank page. */
async function withStates(view: () => Promise<HTMLElement>): Promise<void> {
  main().replaceChildren(h('p', { class: 'state loading', role: 'status' }, t.loading));
  try {
    main().replaceChildren(await view());
    for (const chart of main().querySelectorAll<HTMLElement>('[data-chart]'))
      chart.dispatchEvent(new Event('draw'));
  } catch (error) {
    main().replaceChildren(
      h(
        'div',
        { class: 'state error', role: 'alert' },
        h('p', {}, `${t.errorPrefix}: ${messageOf(error)}`),
        h('button', { type: 'button', onClick: () => void route() }, t.retry),
      ),
    );
  }
}

function renderSignIn(): void {
  const form = h(
    'form',
    {
      class: 'card sign-in',
      onSubmit: async (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        try {
          await auth.signIn(String(data.get('email')), String(data.get('password')));
          await route();
        } catch (error) {
          announce(messageOf(error), 'error');
        }
      },
    },
    h('h2', {}, t.signInTitle),
    h('p', { class: 'hint' }, t.signInHint),
    h(
      'label',
      {},
      t.email,
      h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
    ),
    h(
      'label',
      {},
      t.password,
      h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
    ),
    h('button', { type: 'submit', class: 'primary' }, t.signIn),
  );
  main().replaceChildren(form);
}

const sorters = {
  code: (s: Segment) => s.code,
  capacity: (s: Segment) => s.overview.capacity_total_leads ?? -1,
  target: (s: Segment) => s.latest_plan?.target_leads_per_day ?? -1,
  yesterday: (s: Segment) => s.overview.leads_yesterday ?? -1,
  average: (s: Segment) => s.overview.leads_7d_avg,
  gap: (s: Segment) => s.latest_plan?.lead_gap_percentage ?? -Infinity,
  budget: (s: Segment) => Number(s.latest_plan?.actual_daily_budget_google_ads ?? -1),
};

async function loadSegments(): Promise<Segment[]> {
  const all: Segment[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api.get<{ items: Segment[]; page: { total: number } }>(
      `/api/lead-segments?limit=200&offset=${offset}`,
    );
    all.push(...page.items);
    if (all.length >= page.page.total || page.items.length === 0) return all;
  }
}

async function refreshKillSwitch(): Promise<Status> {
  const status = await api.get<Status>('/api/orchestration/status');
  const badge = document.getElementById('kill-switch-badge');
  if (badge) {
    badge.textContent = status.kill_switch.enabled ? t.killSwitchOn : t.killSwitchOff;
    badge.className = `badge ${status.kill_switch.enabled ? 'danger' : 'calm'}`;
  }
  return status;
}

interface Market {
  readonly segments: readonly Segment[];
  readonly branches: readonly string[];
  readonly regions: readonly string[];
}

/** The overview and the grid: every segment, the branches and regions they span; empty as such. */
async function marketView(render: (market: Market) => HTMLElement): Promise<HTMLElement> {
  const [segments] = await Promise.all([loadSegments(), refreshKillSwitch()]);
  if (segments.length === 0) return h('p', { class: 'state empty' }, t.empty);
  const distinct = (values: string[]) => [...new Set(values)].sort();
  return render({
    segments,
    branches: distinct(segments.map((s) => s.branch)),
    regions: distinct(segments.map((s) => s.region)),
  });
}

function overview(market: Market): HTMLElement {
  const { segments, branches, regions } = market;
  // Filtering and sorting only redraw: the segments are already here.
  const redraw = () => main().replaceChildren(overview(market));
  const shown = segments
    .filter(
      (s) => (!state.branch || s.branch === state.branch) && (!state.region || s.region === state.region),
    )
    .sort((a, b) => {
      const [x, y] = [sorters[state.sort](a), sorters[state.sort](b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return state.descending ? -order : order;
    });
  const filter = (label: string, all: string, values: readonly string[], key: 'branch' | 'region') =>
    h(
      'label',
      {},
      label,
      h(
        'select',
        {
          onChange: (event: Event) => {
            state[key] = (event.target as HTMLSelectElement).value;
            redraw();
          },
        },
        h('option', { value: '' }, all),
        ...values.map((v) => h('option', { value: v, selected: state[key] === v }, place(v))),
      ),
    );
  const header = (key: keyof typeof sorters, label: string, numeric = true) =>
    h(
      'th',
      {
        scope: 'col',
        class: numeric ? 'num' : undefined,
        'aria-sort': state.sort === key ? (state.descending ? 'descending' : 'ascending') : undefined,
      },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'aria-label': `${t.sortBy} ${label}`,
          onClick: () => {
            state.descending = state.sort === key ? !state.descending : key !== 'code';
            state.sort = key;
            redraw();
          },
        },
        label,
        state.sort === key ? (state.descending ? ' ▼' : ' ▲') : '',
      ),
    );
  return h(
    'section',
    { 'aria-labelledby': 'overview-title' },
    viewHead('overview-title', t.overview, segments),
    h(
      'div',
      { class: 'filters' },
      filter(t.branch, t.allBranches, branches, 'branch'),
      filter(t.region, t.allRegions, regions, 'region'),
    ),
    summary(shown),
    gapLegend(),
    dataTable(
      'segments',
      [
        header('code', t.segment, false),
        header('capacity', t.capacity),
        header('target', t.target),
        header('yesterday', t.actualYesterday),
        header('average', t.average7d),
        header('gap', t.gap),
        header('budget', t.budget),
        t.lastChange,
      ],
      shown.map((s) => {
        const plan = s.latest_plan;
        const change = s.overview.last_budget_change;
        return h(
          'tr',
          { 'data-segment': s.code },
          h(
            'th',
            { scope: 'row' },
            h('a', { href: `#/segment/${s.id}` }, s.name),
            s.orchestration_paused ? h('span', { class: 'tag' }, t.paused) : null,
            plan?.target_source === 'override' ? h('span', { class: 'tag' }, t.override) : null,
          ),
          h('td', { class: 'num' }, number(s.overview.capacity_total_leads, language, 1)),
          h('td', { class: 'num', 'data-field': 'target' }, leads(plan?.target_leads_per_day, language)),
          h('td', { class: 'num', 'data-field': 'yesterday' }, number(s.overview.leads_yesterday, language)),
          h('td', { class: 'num' }, number(s.overview.leads_7d_avg, language, 1)),
          h(
            'td',
            { class: `num gap ${gapClass(plan?.lead_gap_percentage)}`, 'data-field': 'gap' },
            percent(plan?.lead_gap_percentage, language),
          ),
          h('td', { class: 'num' }, euros(plan?.actual_daily_budget_google_ads, language)),
          h(
            'td',
            {},
            change
              ? `${euros(change.old_value, language)} → ${euros(change.new_value, language)} (${day(change.date, language)})`
              : t.none,
          ),
        );
      }),
      t.noMatch,
    ),
  );
}

/** A table that scrolls sideways on a narrow screen, or the empty state when it has no rows. */
function dataTable(
  name: string,
  headings: readonly (string | HTMLElement)[],
  rows: readonly HTMLElement[],
  empty: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'state empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: name },
      h(
        'thead',
        {},
        h('tr', {}, ...headings.map((c) => (typeof c === 'string' ? h('th', { scope: 'col' }, c) : c))),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The view's title with the business day its numbers are for. */
function viewHead(id: string, title: string, segments: readonly Segment[]): HTMLElement {
  const asOf = segments[0]?.overview.as_of;
  return h(
    'div',
    { class: 'view-head' },
    h('h2', { id }, title),
    asOf ? h('p', { class: 'as-of' }, fill(t.asOf, { date: day(asOf, language) })) : null,
  );
}

/** The market in five numbers, over the segments shown (so the filters apply). */
function summary(segments: readonly Segment[]): HTMLElement {
  const sum = (values: (number | null | undefined)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
  // Budgets are exact euro strings: add them in cents so the total is exact too.
  const budgetCents = sum(
    segments.map((s) => Math.round(Number(s.latest_plan?.actual_daily_budget_google_ads ?? 0) * 100)),
  );
  const below = segments.filter((s) => (s.latest_plan?.lead_gap_percentage ?? 0) >= 10).length;
  return h(
    'dl',
    { class: 'kpis' },
    kpi(t.segments, number(segments.length, language), { 'data-kpi': 'segments' }),
    kpi(t.targetTotal, leads(sum(segments.map((s) => s.latest_plan?.target_leads_per_day)), language), {
      'data-kpi': 'target',
    }),
    kpi(t.leadsYesterdayTotal, number(sum(segments.map((s) => s.overview.leads_yesterday)), language), {
      'data-kpi': 'yesterday',
    }),
    kpi(t.belowTarget, number(below, language), { 'data-kpi': 'below' }),
    kpi(t.budgetTotal, euros((budgetCents / 100).toFixed(2), language), { 'data-kpi': 'budget' }),
  );
}

/** What the gap colours mean, next to every view that uses them. */
function gapLegend(): HTMLElement {
  const entries: [string, string][] = [
    ['gap-short-high', t.legendShortHigh],
    ['gap-short', t.legendShort],
    ['gap-ok', t.legendOk],
    ['gap-over', t.legendOver],
    ['gap-over-high', t.legendOverHigh],
  ];
  return h(
    'div',
    { class: 'legend' },
    h(
      'ul',
      { 'aria-label': t.gap },
      ...entries.map(([cls, label]) => h('li', {}, h('span', { class: `swatch ${cls}` }), label)),
    ),
    h('p', {}, t.gapExplained),
  );
}

function grid({ segments, branches, regions }: Market): HTMLElement {
  const cell = new Map(segments.map((s) => [`${s.branch}|${s.region}`, s]));
  return h(
    'section',
    { 'aria-labelledby': 'grid-title' },
    viewHead('grid-title', `${t.grid}: ${t.gap}`, segments),
    gapLegend(),
    dataTable(
      'grid',
      [t.branch, ...regions.map(place)],
      branches.map((b) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, place(b)),
          ...regions.map((r) => {
            const s = cell.get(`${b}|${r}`);
            const gap = s?.latest_plan?.lead_gap_percentage;
            return h(
              'td',
              { class: `gap ${gapClass(s?.is_active ? gap : null)}`, 'data-cell': `${b}|${r}` },
              s
                ? h(
                    'a',
                    { href: `#/segment/${s.id}`, 'aria-label': `${s.name}: ${percent(gap, language)}` },
                    percent(gap, language),
                  )
                : t.none,
            );
          }),
        ),
      ),
      t.empty,
    ),
  );
}

async function segmentView(id: string): Promise<HTMLElement> {
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

async function statusView(): Promise<HTMLElement> {
  const status = await refreshKillSwitch();
  const enabled = status.kill_switch.enabled;
  return h(
    'section',
    { 'aria-labelledby': 'status-title' },
    h('h2', { id: 'status-title' }, t.status),
    h(
      'div',
      { class: `card kill ${enabled ? 'danger' : ''}` },
      h('p', {}, h('strong', {}, t.killSwitch), ' ', enabled ? t.killSwitchOnShort : t.killSwitchOffShort),
      h(
        'button',
        {
          type: 'button',
          class: enabled ? 'primary' : 'danger',
          onClick: () =>
            void act(enabled ? t.confirmKillOff : t.confirmKillOn, () =>
              api.put('/api/orchestration/kill-switch', { enabled: !enabled }),
            ),
        },
        enabled ? t.turnOff : t.turnOn,
      ),
    ),
    dataTable(
      'runs',
      [t.step, t.runDate, t.outcome, t.finished, t.counts],
      [...status.steps]
        .sort((a, b) => stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step))
        .map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, term(s.step)),
            h('td', {}, day(s.run_date, language)),
            h(
              'td',
              {},
              h('span', { class: `status ${s.status}` }, term(s.status)),
              s.error_message ? ` — ${s.error_message}` : '',
            ),
            h('td', {}, moment(s.finished_at, language)),
            h(
              'td',
              { class: 'counts' },
              ...countEntries(s.counts).map(([k, v]) => {
                const name = t.countNames[k] ?? k.replaceAll('_', ' ');
                // "van 19 nov 2026" but "57 segmenten": dates read best after their word.
                return isDay(v)
                  ? h('span', { class: 'count' }, `${name} `, h('b', {}, day(v, language)))
                  : h('span', { class: 'count' }, h('b', {}, countValue(v)), ` ${name}`);
              }),
            ),
          ),
        ),
      t.noRuns,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'failures-title' },
      h('h3', { id: 'failures-title' }, t.failures),
      status.failures.runs.length + status.failures.decisions.length === 0
        ? h('p', {}, t.noFailures)
        : h(
            'ul',
            {},
            ...status.failures.runs.map((r) =>
              h('li', {}, `${day(r.run_date, language)} · ${term(r.step)}: ${r.error_message ?? ''}`),
            ),
            ...status.failures.decisions.map((d) =>
              h(
                'li',
                {},
                `${day(d.date, language)} · ${d.segment_code}: ${d.error_message ?? d.explanation}`,
              ),
            ),
          ),
    ),
  );
}

/** A status or step name in the page's language (unknown ones as they are). */
const term = (name: string) => t.terms[name] ?? name;

const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A run's counts with its date window first ("from" before "to"), then the numbers. */
function countEntries(counts: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(counts);
  return [
    ...entries.filter(([, v]) => isDay(v)).sort(([a], [b]) => a.localeCompare(b)),
    ...entries.filter(([, v]) => !isDay(v)),
  ];
}

/** A run count in the page's locale. */
function countValue(value: unknown): string {
  if (typeof value === 'number') return number(value, language);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One key number: a dt/dd pair kept together for the grid layout; `data` marks the dd. */
function kpi(term: string, value: string, data: Record<string, string> = {}, tone = ''): HTMLElement {
  return h('div', { class: `kpi ${tone}` }, h('dt', {}, term), h('dd', data, value));
}

/** Asks first; then does the work, says so and shows the new state, or says what went wrong. */
async function act(message: string, work: () => Promise<unknown>): Promise<void> {
  if (!(await confirmDialog(message, { confirm: t.confirm, cancel: t.cancel }))) return;
  try {
    await work();
    announce(t.done);
    await route();
  } catch (error) {
    announce(`${t.errorPrefix}: ${messageOf(error)}`, 'error');
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The pipeline's steps in the order they run. */
const stepOrder = ['aggregate', 'plan', 'orchestrate', 'pipeline'];

function nullableNumber(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

void start();
