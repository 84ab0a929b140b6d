import { h } from '../dom.ts';
import { day, euros, gapClass, leads, number, percent, place } from '../format.ts';
import { dataTable, kpi, main, page, viewHead } from '../page.ts';
import type { Segment } from '../types.ts';
import { gapLegend, type Market } from './market.ts';

const sorters = {
  code: (s: Segment) => s.code,
  capacity: (s: Segment) => s.overview.capacity_total_leads ?? -1,
  target: (s: Segment) => s.latest_plan?.target_leads_per_day ?? -1,
  yesterday: (s: Segment) => s.overview.leads_yesterday ?? -1,
  average: (s: Segment) => s.overview.leads_7d_avg,
  gap: (s: Segment) => s.latest_plan?.lead_gap_percentage ?? -Infinity,
  budget: (s: Segment) => Number(s.latest_plan?.actual_daily_budget_google_ads ?? -1),
};

/** Filters and sort order survive re-renders and route changes. */
const state = { branch: '', region: '', sort: 'gap' as keyof typeof sorters, descending: true };

/** Overzicht: every segment with capacity, target, actuals, gap, budget and its last change. */
export function overviewView(market: Market): HTMLElement {
  const { t, language } = page;
  const { segments, branches, regions } = market;
  // Filtering and sorting only redraw: the segments are already here.
  const redraw = () => main().replaceChildren(overviewView(market));
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
    viewHead('overview-title', t.overview, segments[0]?.overview.as_of),
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

/** The market in five numbers, over the segments shown (so the filters apply). */
function summary(segments: readonly Segment[]): HTMLElement {
  const { t, language } = page;
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
