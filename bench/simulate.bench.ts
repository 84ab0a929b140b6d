import { loadScenarios } from '../cli/simulate.ts';
import { formatLibraryTable } from '../cli/simulation-report.ts';
import { runScenario } from '../cli/simulation-runner.ts';
import { pooledMetrics, type SegmentMetrics, simulationMetrics } from '../shared/simulation/metrics.ts';
import { parseScenario } from '../shared/simulation/scenario.schema.ts';
import type { ControllerName } from '../shared/simulation/scenario-world.repository.ts';
import type { SimulationSeries } from '../shared/simulation/simulation-series.ts';
import type { Bench, BenchResult } from './bench.ts';
import { largeScenario } from './support/large-scenario.ts';

/**
 * The closed loop: every scenario of the library with both controllers (`lfi simulate
 * --scenario scenarios --controller both`), printed side by side, and the speed of the loop on
 * 90 days × 50 segments on the embedded database, against its floor in the same run: the same
 * loop (market, leads, verdicts, recording) with a night that does nothing.
 */
const controllers: readonly ControllerName[] = ['default', 'plan'];
const library = new URL('../scenarios/', import.meta.url).pathname;
const speed = { segments: 50, days: 90, targetSeconds: 60, targetRatio: 6 };

const bench: Bench = async () => {
  const scenarios = await loadScenarios(library);
  const rows: { scenario: string; metrics: SegmentMetrics[] }[] = [];
  const series: SimulationSeries[][] = controllers.map(() => []);
  for (const scenario of scenarios) {
    const metrics: SegmentMetrics[] = [];
    for (const [i, controller] of controllers.entries()) {
      const started = performance.now();
      const run = await runScenario(scenario, { controller });
      progress(`${scenario.name} (${controller}): ${((performance.now() - started) / 1000).toFixed(1)} s`);
      series[i]?.push(run.series);
      metrics.push(simulationMetrics(run.series).overall);
    }
    rows.push({ scenario: scenario.name, metrics });
  }
  const overall = series.map((runs) => pooledMetrics('overall', runs));
  console.log(`\n${formatLibraryTable(controllers, rows, overall)}\n`);

  const large = parseScenario(largeScenario(speed.segments, speed.days), 'large scenario');
  const floor = await timedSeconds(() => runScenario(large, { controller: 'default', nights: 'none' }));
  progress(`floor (${speed.days} days × ${speed.segments} segments, no nights): ${floor.toFixed(1)} s`);
  const loop = await timedSeconds(() => runScenario(large, { controller: 'default' }));
  progress(`loop (${speed.days} nights × ${speed.segments} segments): ${loop.toFixed(1)} s`);

  const name = 'simulate';
  const results: BenchResult[] = controllers.flatMap((controller, i) => {
    const m = overall[i];
    if (!m) return [];
    const figure = (metric: string, value: number | null, unit: string): BenchResult => ({
      bench: name,
      metric: `library, ${controller}: ${metric}`,
      value: value ?? Number.NaN,
      unit,
    });
    return [
      figure('expected-lead gap', pct(m.expectedLeadGap), '%'),
      figure('expected-lead gap, targets in reach', pct(m.expectedLeadGapInReach), '%'),
      figure('mean |7-day gap|', m.meanAbs7DayGapPct, '%'),
      figure('segment-days within ±10%', pct(m.within10PctShare), '%'),
      figure('budget volatility per night', pct(m.budgetVolatility), '%'),
      figure('direction reversals', m.directionReversals, ''),
      figure('wasted spend', m.wastedSpendMicros / 1e6, '€'),
      figure('spend', m.spendMicros / 1e6, '€'),
      figure('median recovery', m.medianRecoveryDays, 'days'),
      figure('shocks not recovered', m.notRecovered, ''),
      {
        ...figure('guardrail violations', m.guardrailViolations, ''),
        target: '= 0',
        pass: m.guardrailViolations === 0,
      },
    ];
  });
  const [ours, plan] = overall;
  if (ours && plan) results.push(...againstPlan(ours, plan));
  const closer = (gap: (m: SegmentMetrics) => number | null, what: string): BenchResult => {
    // Per scenario that has the figure for both: default's and plan's.
    const judged = rows.flatMap(({ metrics: [a, b] }) => {
      const ours = a ? gap(a) : null;
      const theirs = b ? gap(b) : null;
      return ours !== null && theirs !== null ? [{ ours, theirs }] : [];
    });
    const won = judged.filter(({ ours, theirs }) => ours < theirs).length;
    return {
      bench: name,
      metric: `library: scenarios where default sets the budget closer than plan (${what})`,
      value: won,
      unit: `of ${judged.length}`,
      target: `= ${judged.length}`,
      pass: won === judged.length,
    };
  };
  results.push(
    closer((m) => m.expectedLeadGap, 'expected-lead gap'),
    closer((m) => m.expectedLeadGapInReach, 'on targets in reach'),
  );
  results.push(
    {
      bench: name,
      metric: `floor: ${speed.days} days × ${speed.segments} segments, market and recording, no-op nights`,
      value: floor,
      unit: 's',
    },
    {
      bench: name,
      metric: `ours: ${speed.days} nights × ${speed.segments} segments through the state machine (PGlite)`,
      value: loop,
      unit: 's',
      target: `< ${speed.targetSeconds} s`,
      pass: loop < speed.targetSeconds,
    },
    {
      bench: name,
      metric: 'ours / floor',
      value: loop / floor,
      unit: '×',
      target: `≤ ${speed.targetRatio}×`,
      pass: loop / floor <= speed.targetRatio,
    },
  );
  return results;
};
export default bench;

/** The controller's targets, each the default controller's figure over the plan rule's on the same market. */
function againstPlan(ours: SegmentMetrics, plan: SegmentMetrics): BenchResult[] {
  const ratio = (
    metric: string,
    a: number | null,
    b: number | null,
    target: number,
    atMost = true,
  ): BenchResult => {
    const value = a !== null && b !== null && b > 0 ? a / b : Number.NaN;
    return {
      bench: 'simulate',
      metric: `library, default / plan: ${metric}`,
      value,
      unit: '×',
      target: `${atMost ? '≤' : '<'} ${Number(target.toFixed(2))}×`,
      pass: atMost ? value <= target : value < target,
    };
  };
  return [
    ratio('expected-lead gap', ours.expectedLeadGap, plan.expectedLeadGap, 0.5),
    ratio(
      'expected-lead gap on targets in reach',
      ours.expectedLeadGapInReach,
      plan.expectedLeadGapInReach,
      0.5,
    ),
    ratio('mean |7-day gap|', ours.meanAbs7DayGapPct, plan.meanAbs7DayGapPct, 1.2),
    ratio('budget volatility', ours.budgetVolatility, plan.budgetVolatility, 0.5),
    ratio('direction reversals', ours.directionReversals, plan.directionReversals, 1 / 3),
    ratio('wasted spend', ours.wastedSpendMicros, plan.wastedSpendMicros, 0.8),
    ratio('spend on targets out of reach', ours.spendOutOfReachMicros, plan.spendOutOfReachMicros, 1, false),
    ratio('median recovery', ours.medianRecoveryDays, plan.medianRecoveryDays, 1, false),
    {
      bench: 'simulate',
      metric: 'library, default: shocks not recovered',
      value: ours.notRecovered,
      unit: '',
      target: '= 0',
      pass: ours.notRecovered === 0,
    },
  ];
}

function pct(value: number | null): number | null {
  return value === null ? null : value * 100;
}

async function timedSeconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
