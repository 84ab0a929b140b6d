import uPlot from 'uplot';

export interface Series {
  readonly label: string;
  readonly values: (number | null)[];
  readonly colour: string;
  readonly dash?: number[];
}

/** A small line chart (uPlot, canvas) over business dates; sized to its container. */
export function lineChart(
  container: HTMLElement,
  dates: readonly string[],
  series: readonly Series[],
  format: (value: number) => string,
  labels: { readonly date: string; readonly locale: string },
): uPlot {
  const dayLabel = new Intl.DateTimeFormat(labels.locale, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  const xs = dates.map((date) => Date.parse(`${date}T12:00:00Z`) / 1000);
  const width = Math.max(280, container.clientWidth || 600);
  // Off the plot, the legend shows each series' latest value instead of blanks.
  const latest = (values: readonly (number | null)[]) => values.findLast((v) => v !== null) ?? null;
  const lastDate = xs.at(-1) ?? null;
  return new uPlot(
    {
      width,
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Europe/Amsterdam'),
      scales: { x: { time: true } },
      axes: [
        { values: (_, ticks) => ticks.map((ts) => dayLabel.format(ts * 1000)) },
        { values: (_, ticks) => ticks.map(format), size: 70 },
      ],
      series: [
        {
          label: labels.date,
          value: (_: uPlot, ts: number | null) => {
            const shown = ts ?? lastDate;
            return shown === null ? '—' : dayLabel.format(shown * 1000);
          },
        },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          value: (_: uPlot, v: number | null, _series: number, idx: number | null) => {
            const shown = idx === null ? latest(s.values) : v;
            return shown === null ? '—' : format(shown);
          },
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
    container,
  );
}
