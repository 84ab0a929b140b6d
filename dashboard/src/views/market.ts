import { h } from '../dom.ts';
import { page } from '../page.ts';
import type { Segment } from '../types.ts';

/** The overview's and the grid's data: every segment, the branches and regions they span. */
export interface Market {
  /** The one business day every number describes. */
  readonly asOf: string | undefined;
  readonly segments: readonly Segment[];
  readonly branches: readonly string[];
  readonly regions: readonly string[];
}

export function marketOf(segments: readonly Segment[], asOf: string | undefined): Market {
  const distinct = (values: string[]) => [...new Set(values)].sort();
  return {
    asOf,
    segments,
    branches: distinct(segments.map((s) => s.branch)),
    regions: distinct(segments.map((s) => s.region)),
  };
}

/** What the gap colours mean, next to every view that uses them. */
export function gapLegend(): HTMLElement {
  const { t } = page;
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
