import type {
  SegmentDayRecord,
  SegmentSeries,
  SimulationSeries,
} from '../shared/simulation/simulation-series.ts';

/**
 * One SVG per simulated scenario and controller: a row per segment, leads on the left (realized,
 * expected at the budget in force, the true target) and the budget on the right (in force, and
 * what was spent), both against the scenario's day, the warm-up shaded and the days of shocks,
 * hand edits and missing data marked. Plain SVG written by hand: no dependency, opens anywhere.
 */
const WIDTH = 1100;
const ROW = 210;
const TOP = 78;
const LEFT = { x: 64, width: 560 };
const RIGHT = { x: 730, width: 330 };
const PLOT_HEIGHT = 150;

const COLORS = {
  realized: '#9aa5b1',
  expected: '#1f6feb',
  target: '#d1242f',
  budget: '#1a7f37',
  spend: '#8fd19e',
  warmup: '#f3f4f6',
  shock: '#bf8700',
  missing: '#8250df',
  axis: '#57606a',
  grid: '#e5e7eb',
} as const;

export function simulationSvg(series: SimulationSeries): string {
  const height = TOP + series.segments.length * ROW + 20;
  const title = `${escapeXml(series.scenario)} — controller ${escapeXml(series.controller)}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`,
    // The title is the plot's alternative text for readers that do not see it.
    `<title>${title}: leads against the target, and the budget, per segment</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${LEFT.x}" y="24" font-size="16" font-weight="600">${title}</text>`,
    `<text x="${LEFT.x}" y="42" fill="${COLORS.axis}">${series.days} days from ${series.startDate}, seed ${series.seed}; shaded: ${series.warmupDays}-day warm-up</text>`,
    legend(),
    ...series.segments.map((segment, index) => segmentRow(series, segment, TOP + index * ROW)),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function legend(): string {
  const items: [string, string, string][] = [
    ['realized leads', COLORS.realized, ''],
    ['expected leads', COLORS.expected, ''],
    ['target', COLORS.target, '6 3'],
    ['budget in force', COLORS.budget, ''],
    ['spend', COLORS.spend, ''],
    ['shock / hand edit', COLORS.shock, '2 2'],
    ['missing cost / outage', COLORS.missing, '2 2'],
  ];
  let x = LEFT.x;
  const out: string[] = [];
  for (const [label, color, dash] of items) {
    out.push(
      `<line x1="${x}" y1="58" x2="${x + 22}" y2="58" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${x + 27}" y="62">${label}</text>`,
    );
    x += 34 + label.length * 6;
  }
  return out.join('\n');
}

function segmentRow(series: SimulationSeries, segment: SegmentSeries, top: number): string {
  const days = segment.days;
  const y0 = top + 24;
  const leadsMax = niceMax(Math.max(1, ...days.flatMap((d) => [d.realizedLeads, d.expectedLeads, d.target])));
  const budgetMax = niceMax(Math.max(1, ...days.flatMap((d) => [d.budgetMicros, d.spendMicros])) / 1e6);
  const left = panel(LEFT, y0, days.length, leadsMax);
  const right = panel(RIGHT, y0, days.length, budgetMax);
  return [
    `<text x="${LEFT.x}" y="${top + 14}" font-size="13" font-weight="600">${escapeXml(segment.code)}</text>`,
    `<text x="${LEFT.x + 220}" y="${top + 14}" fill="${COLORS.axis}">leads a day</text>`,
    `<text x="${RIGHT.x}" y="${top + 14}" fill="${COLORS.axis}">daily budget and spend (€)</text>`,
    frame(left, series.warmupDays, days),
    frame(right, series.warmupDays, days),
    path(left, days, (d) => d.realizedLeads, COLORS.realized, 1.2),
    ...days.map(
      (d) =>
        `<circle cx="${fmt(left.x(d.day))}" cy="${fmt(left.y(d.realizedLeads))}" r="1.8" fill="${COLORS.realized}"/>`,
    ),
    path(left, days, (d) => d.expectedLeads, COLORS.expected, 2),
    step(left, days, (d) => d.target, COLORS.target, '6 3'),
    path(right, days, (d) => d.spendMicros / 1e6, COLORS.spend, 1.5),
    step(right, days, (d) => d.budgetMicros / 1e6, COLORS.budget, ''),
  ].join('\n');
}

interface Panel {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly days: number;
  readonly max: number;
  x(day: number): number;
  y(value: number): number;
}

function panel(area: { x: number; width: number }, top: number, days: number, max: number): Panel {
  const bottom = top + PLOT_HEIGHT;
  const span = Math.max(1, days - 1);
  return {
    left: area.x,
    right: area.x + area.width,
    top,
    bottom,
    days,
    max,
    x: (day) => area.x + (day / span) * area.width,
    y: (value) => bottom - (Math.max(0, value) / max) * PLOT_HEIGHT,
  };
}

/** Axes, grid, ticks, the warm-up band and the event markers. */
function frame(p: Panel, warmupDays: number, days: readonly SegmentDayRecord[]): string {
  const out: string[] = [];
  if (warmupDays > 0) {
    const end = p.x(Math.min(warmupDays, p.days - 1));
    out.push(
      `<rect x="${fmt(p.left)}" y="${fmt(p.top)}" width="${fmt(end - p.left)}" height="${PLOT_HEIGHT}" fill="${COLORS.warmup}"/>`,
    );
  }
  for (const tick of ticks(p.max)) {
    const y = fmt(p.y(tick));
    out.push(
      `<line x1="${fmt(p.left)}" y1="${y}" x2="${fmt(p.right)}" y2="${y}" stroke="${COLORS.grid}"/>`,
      `<text x="${fmt(p.left - 6)}" y="${fmt(p.y(tick) + 4)}" text-anchor="end" fill="${COLORS.axis}">${tickLabel(tick)}</text>`,
    );
  }
  const dayStep = p.days > 60 ? 14 : p.days > 21 ? 7 : p.days > 7 ? 2 : 1;
  for (let day = 0; day < p.days; day += dayStep) {
    const x = fmt(p.x(day));
    out.push(
      `<line x1="${x}" y1="${fmt(p.bottom)}" x2="${x}" y2="${fmt(p.bottom + 4)}" stroke="${COLORS.axis}"/>`,
      `<text x="${x}" y="${fmt(p.bottom + 15)}" text-anchor="middle" fill="${COLORS.axis}">${day}</text>`,
    );
  }
  out.push(
    `<text x="${fmt(p.right)}" y="${fmt(p.bottom + 27)}" text-anchor="end" fill="${COLORS.axis}">day</text>`,
  );
  for (const d of days) {
    const x = fmt(p.x(d.day));
    const before = days[d.day - 1];
    const shock = d.costShock || d.handEdit || (before !== undefined && before.capacity !== d.capacity);
    if (shock)
      out.push(
        `<line x1="${x}" y1="${fmt(p.top)}" x2="${x}" y2="${fmt(p.bottom)}" stroke="${COLORS.shock}" stroke-dasharray="2 2"/>`,
      );
    if (d.costMissing || d.outage)
      out.push(
        `<line x1="${x}" y1="${fmt(p.top)}" x2="${x}" y2="${fmt(p.bottom)}" stroke="${COLORS.missing}" stroke-dasharray="2 2" stroke-opacity="0.6"/>`,
      );
  }
  out.push(
    `<polyline points="${fmt(p.left)},${fmt(p.top)} ${fmt(p.left)},${fmt(p.bottom)} ${fmt(p.right)},${fmt(p.bottom)}" fill="none" stroke="${COLORS.axis}"/>`,
  );
  return out.join('\n');
}

function path(
  p: Panel,
  days: readonly SegmentDayRecord[],
  value: (d: SegmentDayRecord) => number,
  color: string,
  width: number,
): string {
  const points = days.map((d) => `${fmt(p.x(d.day))},${fmt(p.y(value(d)))}`).join(' ');
  return `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round"/>`;
}

/** A value that holds for a whole day (a budget, a target), drawn as steps. */
function step(
  p: Panel,
  days: readonly SegmentDayRecord[],
  value: (d: SegmentDayRecord) => number,
  color: string,
  dash: string,
): string {
  const points: string[] = [];
  days.forEach((d, index) => {
    const y = fmt(p.y(value(d)));
    if (index > 0) points.push(`${fmt(p.x(d.day))},${fmt(p.y(value(days[index - 1] ?? d)))}`);
    points.push(`${fmt(p.x(d.day))},${y}`);
  });
  return `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

const TICKS = 4;

/** The axis top: TICKS steps of 1, 2, 2.5 or 5 × 10^n, at or above the largest value. */
export function niceMax(value: number): number {
  const raw = value / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return step * TICKS;
}

function ticks(max: number): number[] {
  return Array.from({ length: TICKS + 1 }, (_, i) => (max * i) / TICKS);
}

function tickLabel(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function fmt(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
