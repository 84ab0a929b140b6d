import { h } from '../dom.ts';
import { gapScale, gapScaleClass, percent, place } from '../format.ts';
import { dataTable, page, viewHead } from '../page.ts';
import type { Market } from './market.ts';

/**
 * Marktkaart: the branch × region grid of gap %, on a clamped scale with a warm palette under
 * target and a cool one over it, so the outliers of a market far over target still stand out.
 */
export function gridView({ asOf, segments, branches, regions }: Market): HTMLElement {
  const { t, language } = page;
  const cell = new Map(segments.map((s) => [`${s.branch}|${s.region}`, s]));
  return h(
    'section',
    { 'aria-labelledby': 'grid-title' },
    viewHead('grid-title', `${t.grid}: ${t.gap}`, asOf),
    scaleLegend(),
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
            if (!s) return h('td', { class: 'gap-none', 'data-cell': `${b}|${r}` }, t.none);
            if (!s.is_active)
              return h(
                'td',
                { class: 'gap-none inactive', 'data-cell': `${b}|${r}` },
                h('a', { href: `#/segment/${s.id}`, 'aria-label': `${s.name}: ${t.inactive}` }, t.inactive),
              );
            return h(
              'td',
              { class: `gap ${gapScaleClass(gap)}`, 'data-cell': `${b}|${r}` },
              h(
                'a',
                {
                  href: `#/segment/${s.id}`,
                  class: 'cell-link',
                  'aria-label': `${s.name}: ${percent(gap, language)}`,
                },
                percent(gap, language),
              ),
            );
          }),
        ),
      ),
      t.empty,
    ),
  );
}

/** The scale's steps, warm to cool, with what each side means. */
function scaleLegend(): HTMLElement {
  const { t } = page;
  const side = (name: string) =>
    name.startsWith('scale-under') ? t.scaleUnder : name.startsWith('scale-over') ? t.scaleOver : t.legendOk;
  return h(
    'div',
    { class: 'legend scale-legend' },
    h(
      'ul',
      { 'aria-label': t.gap },
      ...gapScale.map((step) =>
        h('li', { title: side(step.name) }, h('span', { class: `swatch ${step.name}` }), step.label),
      ),
    ),
    h('p', {}, `${t.scaleExplained} ${t.gapExplained}`),
  );
}
