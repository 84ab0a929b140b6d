import { h } from '../dom.ts';
import { gapClass, percent, place } from '../format.ts';
import { dataTable, page, viewHead } from '../page.ts';
import { gapLegend, type Market } from './market.ts';

/** Marktkaart: the branch × region grid of gap %. */
export function gridView({ segments, branches, regions }: Market): HTMLElement {
  const { t, language } = page;
  const cell = new Map(segments.map((s) => [`${s.branch}|${s.region}`, s]));
  return h(
    'section',
    { 'aria-labelledby': 'grid-title' },
    viewHead('grid-title', `${t.grid}: ${t.gap}`, segments[0]?.overview.as_of),
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
