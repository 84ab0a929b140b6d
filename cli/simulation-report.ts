import type { SegmentMetrics, SimulationMetrics } from '../shared/simulation/metrics.ts';
import { formatTable } from './table.ts';

/**
 * The table `lfi simulate` prints per scenario: one row per segment and one overall; with two
 * controllers every cell reads "default / plan".
 */
interface Column {
  readonly header: string;
  readonly cell: (m: SegmentMetrics) => string;
  /** The same for every controller (the scenario's, not the controller's): shown once. */
  readonly shared?: boolean;
}

const pct = (value: number | null, digits = 1) => (value === null ? '—' : `${(value * 100).toFixed(digits)}`);
const num = (value: number | null, digits = 1) => (value === null ? '—' : value.toFixed(digits));
const euros = (micros: number | null) => (micros === null ? '—' : (micros / 1e6).toFixed(0));
const eurosCents = (micros: number | null) => (micros === null ? '—' : (micros / 1e6).toFixed(2));

export function recoveryCell(m: SegmentMetrics): string {
  if (m.recoveries.length === 0) return '—';
  if (m.unreachable) return 'unreachable';
  const median =
    m.medianRecoveryDays === null ? 'none' : `${num(m.medianRecoveryDays, 1).replace(/\.0$/, '')}d`;
  return m.notRecovered > 0 ? `${median} (${m.notRecovered} not)` : median;
}

export const reportColumns: readonly Column[] = [
  { header: 'exp.gap %', cell: (m) => pct(m.expectedLeadGap) },
  { header: 'in reach %', cell: (m) => pct(m.expectedLeadGapInReach) },
  { header: '|7d gap| %', cell: (m) => num(m.meanAbs7DayGapPct) },
  { header: '±10% share', cell: (m) => pct(m.within10PctShare, 0) },
  { header: 'target', cell: (m) => m.targetLeads.toFixed(0), shared: true },
  { header: 'leads', cell: (m) => String(m.realizedLeads) },
  { header: 'spend €', cell: (m) => euros(m.spendMicros) },
  { header: 'CPL €', cell: (m) => eurosCents(m.costPerLeadMicros) },
  { header: 'wasted €', cell: (m) => euros(m.wastedSpendMicros) },
  { header: 'above ceiling €', cell: (m) => euros(m.spendAboveCeilingMicros) },
  { header: 'volatility %', cell: (m) => pct(m.budgetVolatility) },
  { header: 'reversals', cell: (m) => String(m.directionReversals) },
  { header: 'recovery', cell: recoveryCell },
  { header: 'violations', cell: (m) => String(m.guardrailViolations) },
];

/** One scenario's table; `runs` holds one controller's metrics, or several side by side. */
export function formatScenarioTable(runs: readonly SimulationMetrics[]): string {
  const [first] = runs;
  if (!first) return '';
  const rowsOf = (m: SimulationMetrics) => [...m.segments, m.overall];
  const header = ['segment', ...reportColumns.map((c) => c.header)];
  const rows = rowsOf(first).map((row, index) => [
    row.unreachable ? `${row.segment} *` : row.segment,
    ...reportColumns.map((column) =>
      (column.shared ? runs.slice(0, 1) : runs)
        .map((run) => {
          const metrics = rowsOf(run)[index];
          return metrics ? column.cell(metrics) : '—';
        })
        .join(' / '),
    ),
  ]);
  const right = reportColumns.map((_, i) => i + 1);
  const title =
    `Scenario ${first.scenario}: ${first.segments.length} segments, metrics after a ${first.warmupDays}-day warm-up` +
    (runs.length > 1
      ? `; each cell: ${runs.map((r) => r.controller).join(' / ')}`
      : `; controller ${first.controller}`);
  const notes = first.unreachableSegments.length
    ? `\n* target out of the market's reach on most days (recovery not judged)`
    : '';
  return `${title}\n${formatTable(header, rows, right)}${notes}`;
}

/** The columns of a library summary: one row per scenario, how each controller did overall. */
const libraryColumns = [
  'exp.gap %',
  'in reach %',
  '|7d gap| %',
  '±10% share',
  'volatility %',
  'reversals',
  'wasted €',
  'spend €',
  'recovery',
  'violations',
].flatMap((header) => reportColumns.filter((c) => c.header === header));

export interface LibraryRow {
  readonly scenario: string;
  /** One per controller, in the order of `controllers`. */
  readonly metrics: readonly SegmentMetrics[];
}

/** Per scenario (its overall row) and for the whole library, each cell "default / plan". */
export function formatLibraryTable(
  controllers: readonly string[],
  scenarios: readonly LibraryRow[],
  overall: readonly SegmentMetrics[],
): string {
  const header = ['scenario', ...libraryColumns.map((c) => c.header)];
  const body = [...scenarios, { scenario: 'overall', metrics: overall }].map((row) => [
    row.scenario,
    ...libraryColumns.map((column) => row.metrics.map(column.cell).join(' / ')),
  ]);
  const right = libraryColumns.map((_, i) => i + 1);
  const title = `Library: ${scenarios.length} scenarios (overall rows) and all their segment-days pooled; each cell: ${controllers.join(' / ')}`;
  return `${title}\n${formatTable(header, body, right)}`;
}
