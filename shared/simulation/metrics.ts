/**
 * How a controller did on a simulated scenario (pure, over the recorded series). Tracking is
 * judged after a warm-up (14 days by default) on the days that follow it; the guardrails on
 * every night. Segment-days with a target of 0 have no relative gap and are left out of the gap
 * figures (wasted spend covers them); days of a tracking outage are left out of the expected-lead
 * gap (no budget buys leads while the landing page is down).
 */
import { defaultGuardrailSettings } from '../domain/guardrails.ts';
import type { Micros } from '../domain/money.ts';
import type { ControllerName } from './scenario-world.repository.ts';
import type { SegmentDayRecord, SegmentSeries, SimulationSeries } from './simulation-series.ts';

export interface MetricLimits {
  readonly maxDailyChange: number;
  readonly minBudgetMicros: Micros;
  readonly maxBudgetMicros: Micros;
}

export interface MetricOptions {
  /** Days left out of the tracking figures (default: the scenario's warm-up). */
  readonly warmupDays?: number;
  readonly limits?: MetricLimits;
}

export type ShockKind = 'capacity' | 'target' | 'costPerLead' | 'handEdit';

/** Days until the 7-day expected-lead gap is within ±10% for 3 days running, or why it never is. */
export type RecoveryOutcome = number | 'not recovered' | 'unreachable';

export interface ShockRecovery {
  readonly kind: ShockKind;
  readonly day: number;
  readonly date: string;
  readonly recovery: RecoveryOutcome;
}

export type ViolationKind = 'maxDailyChange' | 'budgetRange' | 'accountCap' | 'increaseAtZeroCapacity';

export interface GuardrailViolation {
  readonly segment: string;
  readonly day: number;
  readonly date: string;
  readonly kind: ViolationKind;
  readonly detail: string;
}

export interface SegmentMetrics {
  /** The segment's code, or "overall". */
  readonly segment: string;
  /** Its target lies out of the market's reach (at the highest allowed budget) on most days. */
  readonly unreachable: boolean;
  /** Segment-days after the warm-up. */
  readonly segmentDays: number;
  /** Mean of |expected leads at the budget in force − target| / target (a fraction). */
  readonly expectedLeadGap: number | null;
  /**
   * The same over the days whose target is within reach (`outOfReach`): where a right budget
   * exists, how close the chosen one came. On the other days the budget is judged on its spend.
   */
  readonly expectedLeadGapInReach: number | null;
  /** Mean of |7-day average realized leads − target| / target × 100. */
  readonly meanAbs7DayGapPct: number | null;
  /** Share of segment-days whose 7-day gap is within ±10%. */
  readonly within10PctShare: number | null;
  readonly realizedLeads: number;
  readonly targetLeads: number;
  readonly spendMicros: Micros;
  /** Spend on the days whose target is out of reach: raising there buys too little or too dear. */
  readonly spendOutOfReachMicros: Micros;
  readonly costPerLeadMicros: Micros | null;
  /** Leads above capacity × the day's cost per lead. */
  readonly wastedSpendMicros: Micros;
  /** Spend that bought no expected leads because the demand was exhausted. */
  readonly spendAboveCeilingMicros: Micros;
  /** Mean of |new − old| / old over the nights (the pipeline's moves only). */
  readonly budgetVolatility: number | null;
  /** Sign changes between successive non-zero budget moves. */
  readonly directionReversals: number;
  /** Over every night, warm-up included. */
  readonly guardrailViolations: number;
  readonly recoveries: readonly ShockRecovery[];
  /** Median of the recoveries that happened (days). */
  readonly medianRecoveryDays: number | null;
  readonly notRecovered: number;
}

export interface SimulationMetrics {
  readonly scenario: string;
  readonly controller: ControllerName;
  readonly warmupDays: number;
  readonly segments: readonly SegmentMetrics[];
  readonly overall: SegmentMetrics;
  readonly unreachableSegments: readonly string[];
  readonly violations: readonly GuardrailViolation[];
}

export const defaultMetricLimits: MetricLimits = {
  maxDailyChange: defaultGuardrailSettings.maxDailyChange,
  minBudgetMicros: defaultGuardrailSettings.minBudgetMicros,
  maxBudgetMicros: defaultGuardrailSettings.maxBudgetMicros,
};

const WITHIN = 0.1;
const RECOVERY_HOLD_DAYS = 3;
const WINDOW_DAYS = 7;
/**
 * A target counts as unreachable on a day when even the highest budget gets less than 90% of it,
 * or when even 90% of it costs more at the margin than a lead earns.
 */
export const REACH = 0.9;

/** The day's target lies out of the market's reach, in range or in value (see REACH). */
export function outOfReach(day: SegmentDayRecord): boolean {
  return day.maxExpectedLeads < REACH * day.target || day.targetUneconomic;
}

export function simulationMetrics(series: SimulationSeries, options: MetricOptions = {}): SimulationMetrics {
  const warmupDays = options.warmupDays ?? series.warmupDays;
  const limits = options.limits ?? defaultMetricLimits;
  const violations = guardrailViolations(series, limits);
  const parts = series.segments.map((segment) =>
    segmentParts(
      segment,
      warmupDays,
      limits,
      violations.filter((v) => v.segment === segment.code),
    ),
  );
  return {
    scenario: series.scenario,
    controller: series.controller,
    warmupDays,
    segments: parts.map((p) => summarise(p.segment.code, p.unreachable, [p])),
    overall: summarise('overall', false, parts),
    unreachableSegments: parts.filter((p) => p.unreachable).map((p) => p.segment.code),
    violations,
  };
}

/**
 * The segments of several simulations pooled into one row (a library's overall figures): each
 * series judged after its own warm-up, the terms pooled as for one simulation's overall row.
 */
export function pooledMetrics(
  name: string,
  runs: readonly SimulationSeries[],
  options: { readonly limits?: MetricLimits } = {},
): SegmentMetrics {
  const limits = options.limits ?? defaultMetricLimits;
  const parts = runs.flatMap((series) => {
    const violations = guardrailViolations(series, limits);
    return series.segments.map((segment) =>
      segmentParts(
        segment,
        series.warmupDays,
        limits,
        violations.filter((v) => v.segment === segment.code),
      ),
    );
  });
  return summarise(name, false, parts);
}

/** What a segment contributes: its per-day terms, pooled as they are for the overall figures. */
interface SegmentParts {
  readonly segment: SegmentSeries;
  readonly unreachable: boolean;
  readonly segmentDays: number;
  readonly expectedGaps: number[];
  readonly expectedGapsInReach: number[];
  readonly gaps7DayPct: number[];
  readonly realizedLeads: number;
  readonly targetLeads: number;
  readonly spendMicros: number;
  readonly spendOutOfReachMicros: number;
  readonly wastedSpendMicros: number;
  readonly spendAboveCeilingMicros: number;
  readonly moves: number[];
  readonly directionReversals: number;
  readonly violations: number;
  readonly recoveries: ShockRecovery[];
}

function segmentParts(
  segment: SegmentSeries,
  warmupDays: number,
  limits: MetricLimits,
  violations: readonly GuardrailViolation[],
): SegmentParts {
  const days = segment.days;
  const counted = days.filter((d) => d.day >= warmupDays);
  const judged = counted.filter((d) => d.target > 0 && !d.outage);
  const gap = (d: SegmentDayRecord) => Math.abs(d.expectedLeads - d.target) / d.target;
  const gaps7DayPct = counted
    .filter((d) => d.target > 0)
    .map((d) => (Math.abs(trailingMean(days, d.day, (x) => x.realizedLeads) - d.target) / d.target) * 100);
  const unreachable = judged.length > 0 && judged.filter(outOfReach).length > judged.length / 2;
  const moves = counted.filter((d) => d.budgetMicros > 0).map((d) => budgetMove(d) / d.budgetMicros);
  return {
    segment,
    unreachable,
    segmentDays: counted.length,
    expectedGaps: judged.map(gap),
    expectedGapsInReach: judged.filter((d) => !outOfReach(d)).map(gap),
    gaps7DayPct,
    realizedLeads: sum(counted.map((d) => d.realizedLeads)),
    targetLeads: sum(counted.map((d) => d.target)),
    spendMicros: sum(counted.map((d) => d.spendMicros)),
    spendOutOfReachMicros: sum(judged.filter(outOfReach).map((d) => d.spendMicros)),
    wastedSpendMicros: sum(counted.map(wastedSpendMicros)),
    spendAboveCeilingMicros: sum(counted.map((d) => d.spendAboveCeilingMicros)),
    moves,
    directionReversals: directionReversals(counted.map(budgetMove)),
    violations: violations.length,
    recoveries: shocks(days).map((shock) => ({
      ...shock,
      recovery: unreachable ? 'unreachable' : recoveryDays(days, shock.day, limits),
    })),
  };
}

function summarise(name: string, unreachable: boolean, parts: readonly SegmentParts[]): SegmentMetrics {
  const all = <T>(pick: (p: SegmentParts) => readonly T[]): T[] => parts.flatMap((p) => [...pick(p)]);
  const gaps7 = all((p) => p.gaps7DayPct);
  const realizedLeads = sum(parts.map((p) => p.realizedLeads));
  const spendMicros = sum(parts.map((p) => p.spendMicros));
  const recoveries = all((p) => p.recoveries);
  const recovered = recoveries.flatMap((r) => (typeof r.recovery === 'number' ? [r.recovery] : []));
  return {
    segment: name,
    unreachable,
    segmentDays: sum(parts.map((p) => p.segmentDays)),
    expectedLeadGap: mean(all((p) => p.expectedGaps)),
    expectedLeadGapInReach: mean(all((p) => p.expectedGapsInReach)),
    meanAbs7DayGapPct: mean(gaps7),
    within10PctShare: gaps7.length ? gaps7.filter((g) => g <= WITHIN * 100).length / gaps7.length : null,
    realizedLeads,
    targetLeads: sum(parts.map((p) => p.targetLeads)),
    spendMicros,
    spendOutOfReachMicros: sum(parts.map((p) => p.spendOutOfReachMicros)),
    costPerLeadMicros: realizedLeads > 0 ? Math.round(spendMicros / realizedLeads) : null,
    wastedSpendMicros: sum(parts.map((p) => p.wastedSpendMicros)),
    spendAboveCeilingMicros: sum(parts.map((p) => p.spendAboveCeilingMicros)),
    budgetVolatility: mean(all((p) => p.moves).map(Math.abs)),
    directionReversals: sum(parts.map((p) => p.directionReversals)),
    guardrailViolations: sum(parts.map((p) => p.violations)),
    recoveries,
    medianRecoveryDays: recovered.length ? median(recovered) : null,
    notRecovered: recoveries.filter((r) => r.recovery === 'not recovered').length,
  };
}

/** The night's move: what the pipeline set after the day, against the budget it found. */
function budgetMove(day: SegmentDayRecord): number {
  return day.budgetAfterNightMicros - day.budgetMicros;
}

/** Leads above capacity, each at the day's cost per lead (rounded to micros). */
export function wastedSpendMicros(day: SegmentDayRecord): Micros {
  const excess = day.realizedLeads - day.capacity;
  if (excess <= 0 || day.realizedLeads <= 0) return 0;
  return Math.round((excess * day.spendMicros) / day.realizedLeads);
}

/** Sign changes between successive non-zero moves: + − + is 2 reversals. */
export function directionReversals(moves: readonly number[]): number {
  let reversals = 0;
  let previous = 0;
  for (const move of moves) {
    const sign = Math.sign(move);
    if (sign === 0) continue;
    if (previous !== 0 && sign !== previous) reversals += 1;
    previous = sign;
  }
  return reversals;
}

/** The mean of `value` over the window of up to 7 days ending at `day`. */
function trailingMean(
  days: readonly SegmentDayRecord[],
  day: number,
  value: (d: SegmentDayRecord) => number,
) {
  const window = days.filter((d) => d.day <= day && d.day > day - WINDOW_DAYS);
  return window.length ? sum(window.map(value)) / window.length : 0;
}

/**
 * Whether the 7-day expected-lead gap ending at `day` is within ±10%: expected and target
 * summed over the window's days without an outage, and none before `since` (after a shock, the
 * days before it say nothing about the recovery). With a target of 0 there is nothing to be
 * within; the controller has done what it can once the budget is at the minimum.
 */
export function within7DayExpected(
  days: readonly SegmentDayRecord[],
  day: number,
  limits: MetricLimits,
  since = 0,
): boolean {
  const window = days.filter((d) => d.day <= day && d.day > day - WINDOW_DAYS && d.day >= since && !d.outage);
  const target = sum(window.map((d) => d.target));
  const expected = sum(window.map((d) => d.expectedLeads));
  if (target <= 0) return (days[day]?.budgetMicros ?? 0) <= limits.minBudgetMicros;
  return Math.abs(expected - target) / target <= WITHIN;
}

/**
 * Days from the shock until the 7-day expected-lead gap (over the days since the shock, up to 7)
 * is within ±10% and stays so for 3 days.
 */
export function recoveryDays(
  days: readonly SegmentDayRecord[],
  shockDay: number,
  limits: MetricLimits,
): number | 'not recovered' {
  let run = 0;
  for (let day = shockDay; day < days.length; day++) {
    run = within7DayExpected(days, day, limits, shockDay) ? run + 1 : 0;
    if (run === RECOVERY_HOLD_DAYS) return day - RECOVERY_HOLD_DAYS + 1 - shockDay;
  }
  return 'not recovered';
}

/** The shocks a segment meets from day 1 on: capacity or target changes, cost jumps, hand edits. */
export function shocks(days: readonly SegmentDayRecord[]): { kind: ShockKind; day: number; date: string }[] {
  const found: { kind: ShockKind; day: number; date: string }[] = [];
  for (const d of days) {
    const before = days[d.day - 1];
    if (!before) continue;
    if (d.capacity !== before.capacity) found.push({ kind: 'capacity', day: d.day, date: d.date });
    else if (d.target !== before.target) found.push({ kind: 'target', day: d.day, date: d.date });
    if (d.costShock) found.push({ kind: 'costPerLead', day: d.day, date: d.date });
    if (d.handEdit) found.push({ kind: 'handEdit', day: d.day, date: d.date });
  }
  return found;
}

/**
 * The guardrails, checked on what the pipeline did each night (the budget it found → the budget
 * after the night; hand edits are not its doing): at most ±maxDailyChange (a budget of 0 may
 * start at the minimum, and one outside the range may go straight to its nearest bound); a
 * changed budget inside [min, max]; no increase at zero capacity; per ads account, the sum of
 * budgets never raised above its cap, nor raised further while above it.
 */
export function guardrailViolations(series: SimulationSeries, limits: MetricLimits): GuardrailViolation[] {
  const found: GuardrailViolation[] = [];
  const euros = (micros: number) => `€${(micros / 1e6).toFixed(2)}`;
  for (const segment of series.segments) {
    for (const d of segment.days) {
      const before = d.budgetMicros;
      const after = d.budgetAfterNightMicros;
      if (after === before) continue;
      const add = (kind: ViolationKind, detail: string) =>
        found.push({ segment: segment.code, day: d.day, date: d.date, kind, detail });
      const startsAtMinimum = before === 0 && after === limits.minBudgetMicros;
      const intoRange =
        (before < limits.minBudgetMicros && after === limits.minBudgetMicros) ||
        (before > limits.maxBudgetMicros && after === limits.maxBudgetMicros);
      const changePpm = Math.round(limits.maxDailyChange * 1_000_000);
      if (!startsAtMinimum && !intoRange && Math.abs(after - before) * 1_000_000 > changePpm * before) {
        add('maxDailyChange', `${euros(before)} → ${euros(after)}`);
      }
      if (after < limits.minBudgetMicros || after > limits.maxBudgetMicros) {
        add(
          'budgetRange',
          `${euros(after)} is outside ${euros(limits.minBudgetMicros)}–${euros(limits.maxBudgetMicros)}`,
        );
      }
      if (after > before && d.capacity <= 0) {
        add('increaseAtZeroCapacity', `${euros(before)} → ${euros(after)} with capacity 0`);
      }
    }
  }
  for (const account of series.accounts) {
    const cap = account.dailyCapMicros;
    if (cap === null) continue;
    const segments = series.segments.filter((s) => s.customerId === account.customerId);
    for (let day = 0; day < series.days; day++) {
      const days = segments.flatMap((s) => {
        const d = s.days[day];
        return d ? [{ code: s.code, d }] : [];
      });
      const before = sum(days.map(({ d }) => d.budgetMicros));
      const after = sum(days.map(({ d }) => d.budgetAfterNightMicros));
      if (after <= cap || after <= before) continue;
      const detail = `account ${account.customerId}: ${euros(before)} → ${euros(after)} against a cap of ${euros(cap)}`;
      for (const { code, d } of days) {
        if (d.budgetAfterNightMicros > d.budgetMicros) {
          found.push({ segment: code, day, date: d.date, kind: 'accountCap', detail });
        }
      }
    }
  }
  return found.sort((a, b) => a.day - b.day || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0));
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number | null {
  return values.length ? sum(values) / values.length : null;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}
