import { csvLink, toCsv } from '../csv.ts';
import { h } from '../dom.ts';
import { day, euros, gapClass, leads, number, percent, place } from '../format.ts';
import { currentBudget, dataTable, kpi, page, viewHead } from '../page.ts';
import type { Segment } from '../types.ts';
import { gapLegend, type Market } from './market.ts';

const sorters = {
  code: (s: Segment) => s.code,
  capacity: (s: Segment) => s.overview.capacity_total_leads ?? -1,
  target: (s: Segment) => s.latest_plan?.target_leads_per_day ?? -1,
  yesterday: (s: Segment) => s.overview.leads_yesterday ?? -1,
  average: (s: Segment) => s.overview.leads_7d_avg,
  gap: (s: Segment) => s.latest_plan?.lead_gap_percentage ?? -Infinity,
  budget: (s: Segment) => Number(currentBudget(s) ?? -1),
};
type SortKey = keyof typeof sorters;

/** Filters and sort order survive re-renders and route changes. */
const state = { branch: '', region: '', sort: 'gap' as SortKey, descending: true };

/**
 * Overzicht: every segment with capacity, target, actuals, gap, the budget the account holds and
 * its last change. Filtering and sorting redraw only the numbers below the filters, so the
 * <select> in use stays where it is (and keeps the keyboard focus).
 */
export function overviewView(market: Market): HTMLElement {
  const { t } = page;
  const body = h('div', { class: 'overview-body' });
  const redraw = () => {
    const sortFocused = (document.activeElement as HTMLElement | null)?.dataset.sort;
    body.replaceChildren(...overviewBody(market, redraw));
    if (sortFocused) body.querySelector<HTMLElement>(`[data-sort="${sortFocused}"]`)?.focus();
  };
  redraw();
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
  return h(
    'section',
    { 'aria-labelledby': 'overview-title' },
    viewHead(
      'overview-title',
      t.overview,
      market.asOf,
      csvLink(t.exportOverview, `lfi-overzicht-${market.asOf ?? 'segmenten'}.csv`, () => overviewCsv(market)),
    ),
    h(
      'div',
      { class: 'filters' },
      filter(t.branch, t.allBranches, market.branches, 'branch'),
      filter(t.region, t.allRegions, market.regions, 'region'),
    ),
    body,
  );
}

function shownSegments({ segments }: Market): Segment[] {
  return segments
    .filter(
      (s) => (!state.branch || s.branch === state.branch) && (!state.region || s.region === state.region),
    )
    .sort((a, b) => {
      const [x, y] = [sorters[state.sort](a), sorters[state.sort](b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return state.descending ? -order : order;
    });
}

function overviewBody(market: Market, redraw: () => void): HTMLElement[] {
  const { t, language } = page;
  const shown = shownSegments(market);
  // Columns a phone may leave out; segment, target, gap and budget always stay.
  const optional = 'optional';
  const header = (key: SortKey, label: string, numeric = true, extra = '') =>
    h(
      'th',
      {
        scope: 'col',
        class: [numeric ? 'num' : '', extra].filter(Boolean).join(' ') || undefined,
        'aria-sort': state.sort === key ? (state.descending ? 'descending' : 'ascending') : undefined,
      },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'data-sort': key,
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
  return [
    summary(shown),
    gapLegend(),
    dataTable(
      'segments',
      [
        header('code', t.segment, false),
        header('capacity', t.capacity, true, optional),
        header('target', t.target),
        header('yesterday', t.actualYesterday, true, optional),
        header('average', t.average7d, true, optional),
        header('gap', t.gap),
        header('budget', t.budget),
        h('th', { scope: 'col', class: optional }, t.lastChange),
      ],
      shown.map((s) => {
        const plan = s.latest_plan;
        const change = s.overview.last_budget_change;
        return h(
          'tr',
          { 'data-segment': s.code, class: s.is_active ? undefined : 'inactive' },
          h(
            'th',
            { scope: 'row' },
            h('a', { href: `#/segment/${s.id}` }, s.name),
            s.is_active ? null : h('span', { class: 'tag muted' }, t.inactive),
            s.orchestration_paused ? h('span', { class: 'tag' }, t.paused) : null,
            plan?.target_source === 'override' ? h('span', { class: 'tag' }, t.override) : null,
          ),
          h('td', { class: `num ${optional}` }, number(s.overview.capacity_total_leads, language, 1)),
          h('td', { class: 'num', 'data-field': 'target' }, leads(plan?.target_leads_per_day, language)),
          h(
            'td',
            { class: `num ${optional}`, 'data-field': 'yesterday' },
            number(s.overview.leads_yesterday, language),
          ),
          h('td', { class: `num ${optional}` }, number(s.overview.leads_7d_avg, language, 1)),
          h(
            'td',
            { class: `num gap ${gapClass(plan?.lead_gap_percentage)}`, 'data-field': 'gap' },
            percent(plan?.lead_gap_percentage, language),
          ),
          h('td', { class: 'num', 'data-field': 'budget' }, euros(currentBudget(s), language)),
          h(
            'td',
            { class: optional },
            change
              ? `${euros(change.old_value, language)} → ${euros(change.new_value, language)} (${day(change.date, language)})`
              : t.none,
          ),
        );
      }),
      t.noMatch,
    ),
  ];
}

/** The market in five numbers, over the segments shown (so the filters apply). */
function summary(segments: readonly Segment[]): HTMLElement {
  const { t, language } = page;
  const sum = (values: (number | null | undefined)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
  // Budgets are exact euro strings: add them in cents so the total is exact too.
  const budgetCents = sum(segments.map((s) => Math.round(Number(currentBudget(s) ?? 0) * 100)));
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

/** Every segment (not only the filtered ones), with the API's own values. */
function overviewCsv(market: Market): string {
  return toCsv(
    [
      'as_of',
      'code',
      'name',
      'branch',
      'region',
      'is_active',
      'orchestration_paused',
      'capacity_total_leads',
      'target_leads_per_day',
      'target_source',
      'leads_yesterday',
      'leads_7d_avg',
      'gap_percentage',
      'current_budget',
      'last_change_date',
      'last_change_old',
      'last_change_new',
    ],
    market.segments.map((s) => [
      s.overview.as_of,
      s.code,
      s.name,
      s.branch,
      s.region,
      s.is_active,
      s.orchestration_paused,
      s.overview.capacity_total_leads,
      s.latest_plan?.target_leads_per_day,
      s.latest_plan?.target_source,
      s.overview.leads_yesterday,
      s.overview.leads_7d_avg,
      s.latest_plan?.lead_gap_percentage,
      currentBudget(s),
      s.overview.last_budget_change?.date,
      s.overview.last_budget_change?.old_value,
      s.overview.last_budget_change?.new_value,
    ]),
  );
}
