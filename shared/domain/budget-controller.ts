import {
  type GuardrailReason,
  type GuardrailSettings,
  limitRun,
  limitSegmentBudget,
  type RunCandidate,
} from './guardrails.ts';
import { formatEuros, type Micros, roundToCents } from './money.ts';

/**
 * Orchestrate step: each segment's new daily budget. The controller closes the
 * gap between target and recent leads at the segment's cost per lead; the guardrails then keep
 * the change safe. Which segments take part (campaign mapping, shared budgets) is decided by the
 * caller; every segment passed in gets exactly one decision.
 */

export interface BudgetSegmentInput {
  readonly segmentId: string;
  /** The segment's branch: segments of one branch share a CPL fallback. */
  readonly branch: string;
  /** The ads account (customer id) whose daily cap this budget counts toward. */
  readonly accountId: string;
  readonly currentBudgetMicros: Micros;
  readonly targetLeadsPerDay: number;
  /** Average leads per day over settings.recentWindowDays (7 by default), ending at the run date. */
  readonly recentLeadsPerDay: number;
  /** Ad spend and leads over settings.cplLookbackDays (14 by default): the measured CPL. */
  readonly trailingSpendMicros: Micros;
  readonly trailingLeads: number;
  readonly capacityTotalLeads: number;
  /** Orchestration paused by an admin: no change at all. */
  readonly isPaused: boolean;
}

export type CplSource = 'measured' | 'branch_median' | 'all_segments_median' | 'default';

export interface CplEstimate {
  readonly micros: Micros;
  readonly source: CplSource;
}

export type DecisionStatus = 'planned' | 'clamped' | 'skipped';
export type BudgetActionType = 'budget_increase' | 'budget_decrease' | 'no_change';

export interface BudgetDecision {
  readonly segmentId: string;
  readonly accountId: string;
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  /** current + gap × CPL in whole cents, before any guardrail. */
  readonly desiredMicros: Micros;
  readonly action_type: BudgetActionType;
  /** planned: as the controller wanted; clamped: a guardrail changed the amount; skipped: not steered this run. */
  readonly status: DecisionStatus;
  readonly reasons: GuardrailReason[];
  readonly cpl: CplEstimate;
  /** One line for the orchestration log and the dashboard. */
  readonly explanation: string;
}

/**
 * Each segment's CPL, in this order:
 * 1. measured: trailing spend ÷ trailing leads, when the lookback holds at least cplMinLeads
 *    leads and cplMinSpendMicros spend;
 * 2. the median measured CPL of the other segments in the same branch;
 * 3. the median measured CPL of all segments;
 * 4. settings.defaultCplMicros, only when no segment at all has enough data.
 */
export function estimateCpls(
  segments: readonly BudgetSegmentInput[],
  settings: GuardrailSettings,
): Map<string, CplEstimate> {
  const measured = new Map<string, Micros>();
  for (const segment of segments) {
    if (
      segment.trailingLeads >= settings.cplMinLeads &&
      segment.trailingSpendMicros >= settings.cplMinSpendMicros
    ) {
      measured.set(segment.segmentId, Math.round(segment.trailingSpendMicros / segment.trailingLeads));
    }
  }
  const allMedian = median([...measured.values()]);
  const estimates = new Map<string, CplEstimate>();
  for (const segment of segments) {
    const own = measured.get(segment.segmentId);
    if (own !== undefined) {
      estimates.set(segment.segmentId, { micros: own, source: 'measured' });
      continue;
    }
    const branchMedian = median(
      segments
        .filter((other) => other.branch === segment.branch)
        .flatMap((other) => measured.get(other.segmentId) ?? []),
    );
    if (branchMedian !== undefined)
      estimates.set(segment.segmentId, { micros: branchMedian, source: 'branch_median' });
    else if (allMedian !== undefined)
      estimates.set(segment.segmentId, { micros: allMedian, source: 'all_segments_median' });
    else estimates.set(segment.segmentId, { micros: settings.defaultCplMicros, source: 'default' });
  }
  return estimates;
}

/** The budget that would close the gap in a day: current + (target − recent average) × CPL, in whole cents. */
export function desiredBudget(segment: BudgetSegmentInput, cplMicros: Micros): Micros {
  const gapPerDay = segment.targetLeadsPerDay - segment.recentLeadsPerDay;
  return roundToCents(segment.currentBudgetMicros + Math.round(gapPerDay * cplMicros));
}

/** Decides a whole run: the account cap and the change limit need every segment at once. */
export function decideBudgets(
  segments: readonly BudgetSegmentInput[],
  settings: GuardrailSettings,
): BudgetDecision[] {
  assertInputs(segments);
  const cpls = estimateCpls(segments, settings);

  const proposals = segments.map((segment) => {
    const cpl = cpls.get(segment.segmentId) ?? {
      micros: settings.defaultCplMicros,
      source: 'default' as const,
    };
    const desiredMicros = desiredBudget(segment, cpl.micros);
    const stop: GuardrailReason | null = settings.killSwitch
      ? 'kill_switch'
      : segment.isPaused
        ? 'paused'
        : null;
    const limited = stop
      ? { newMicros: segment.currentBudgetMicros, reasons: [stop] }
      : limitSegmentBudget(
          {
            oldMicros: segment.currentBudgetMicros,
            desiredMicros,
            capacityTotalLeads: segment.capacityTotalLeads,
          },
          settings,
        );
    return { segment, cpl, desiredMicros, limited };
  });

  const runLimited = limitRun(
    proposals.map(
      ({ segment, limited }): RunCandidate => ({
        segmentId: segment.segmentId,
        accountId: segment.accountId,
        oldMicros: segment.currentBudgetMicros,
        newMicros: limited.newMicros,
        priority: relativeGap(segment),
      }),
    ),
    settings,
  );

  return proposals.map(({ segment, cpl, desiredMicros, limited }, index) => {
    const run = runLimited[index];
    const newMicros = run?.newMicros ?? segment.currentBudgetMicros;
    const reasons: GuardrailReason[] = run?.reason ? [...limited.reasons, run.reason] : limited.reasons;
    const oldMicros = segment.currentBudgetMicros;
    const decision = {
      segmentId: segment.segmentId,
      accountId: segment.accountId,
      oldMicros,
      newMicros,
      desiredMicros,
      action_type: actionType(oldMicros, newMicros),
      status: statusOf(reasons, newMicros, desiredMicros),
      reasons,
      cpl,
    };
    return {
      ...decision,
      explanation: explainDecision(decision, segment, limited.newMicros, settings),
    };
  });
}

/** |target − recent| relative to the target: who gets a change slot and cap room first. */
export function relativeGap(segment: BudgetSegmentInput): number {
  return (
    Math.abs(segment.targetLeadsPerDay - segment.recentLeadsPerDay) / Math.max(segment.targetLeadsPerDay, 1)
  );
}

function actionType(oldMicros: Micros, newMicros: Micros): BudgetActionType {
  if (newMicros > oldMicros) return 'budget_increase';
  if (newMicros < oldMicros) return 'budget_decrease';
  return 'no_change';
}

const SKIPPING: readonly GuardrailReason[] = ['kill_switch', 'paused', 'max_changes_per_run'];

function statusOf(
  reasons: readonly GuardrailReason[],
  newMicros: Micros,
  desiredMicros: Micros,
): DecisionStatus {
  if (reasons.some((reason) => SKIPPING.includes(reason))) return 'skipped';
  // Dropping a change below the minimum is the controller's own tolerance, not a clamp.
  const clamping = reasons.filter((reason) => reason !== 'below_min_change');
  return clamping.length > 0 && newMicros !== desiredMicros ? 'clamped' : 'planned';
}

interface ExplainedDecision {
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  readonly desiredMicros: Micros;
  readonly reasons: readonly GuardrailReason[];
  readonly cpl: CplEstimate;
}

/**
 * One line: what happened, why in brackets, then the numbers behind it, e.g.
 * "+20% (capped from +46%): 7-day avg 11.4 leads/day vs target 18; CPL €23.40 over 14 days".
 * `segmentLimitedMicros` is the amount after the per-segment limits, before the run limits.
 */
export function explainDecision(
  decision: ExplainedDecision,
  segment: BudgetSegmentInput,
  segmentLimitedMicros: Micros,
  settings: GuardrailSettings,
): string {
  const { oldMicros, newMicros, desiredMicros, reasons } = decision;
  if (reasons.includes('kill_switch')) return 'no change: kill switch is on';
  if (reasons.includes('paused')) return 'no change: paused by admin';

  const has = (reason: GuardrailReason): boolean => reasons.includes(reason);
  const wanted = (amount: Micros): string =>
    oldMicros > 0 ? percentChange(oldMicros, amount) : formatEuros(Math.max(0, amount));
  const notes: string[] = [];
  if (has('max_changes_per_run')) {
    notes.push(
      `max ${settings.maxChangesPerRun} changes per run reached, wanted ${wanted(segmentLimitedMicros)}`,
    );
  } else if (has('account_cap')) {
    notes.push(
      `account daily cap ${newMicros === oldMicros ? 'reached' : `trimmed from ${wanted(segmentLimitedMicros)}`}`,
    );
  }
  // When a run limit stopped the change, the per-segment limits no longer explain the outcome.
  const stoppedByRun = notes.length > 0 && newMicros === oldMicros;
  if (!stoppedByRun) {
    if (has('zero_budget_start')) notes.push(`the minimum to start, wanted ${wanted(desiredMicros)}`);
    else if (has('zero_capacity')) notes.push(`no partner capacity, wanted ${wanted(desiredMicros)}`);
    else if (has('min_budget')) {
      notes.push(`minimum budget ${formatEuros(settings.minBudgetMicros)}, wanted ${wanted(desiredMicros)}`);
    } else if (has('max_budget')) {
      notes.push(`maximum budget ${formatEuros(settings.maxBudgetMicros)}, wanted ${wanted(desiredMicros)}`);
    } else if (has('max_daily_change')) notes.push(`capped from ${wanted(desiredMicros)}`);
    if (has('below_min_change')) notes.push(`below the minimum change, wanted ${wanted(desiredMicros)}`);
  }

  let head: string;
  if (newMicros === oldMicros) head = 'no change';
  else if (oldMicros === 0) head = `start at ${formatEuros(newMicros)}`;
  else head = percentChange(oldMicros, newMicros);
  const brackets = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return `${head}${brackets}: ${context(segment, decision.cpl, settings)}`;
}

function context(segment: BudgetSegmentInput, cpl: CplEstimate, settings: GuardrailSettings): string {
  const cplNote = {
    measured: `over ${settings.cplLookbackDays} days`,
    branch_median: '(branch median, too little data)',
    all_segments_median: '(median of all segments, too little data)',
    default: '(default, too little data)',
  }[cpl.source];
  return (
    `${settings.recentWindowDays}-day avg ${segment.recentLeadsPerDay.toFixed(1)} leads/day ` +
    `vs target ${segment.targetLeadsPerDay}; CPL ${formatEuros(cpl.micros)} ${cplNote}`
  );
}

/** "+20%", "−8%" (a true minus sign), "+0.4%" when a whole percent would read as 0. */
function percentChange(fromMicros: Micros, toMicros: Micros): string {
  const percent = ((toMicros - fromMicros) / fromMicros) * 100;
  const size = Math.abs(percent);
  const digits = size > 0 && size < 0.95 ? size.toFixed(1) : size.toFixed(0);
  return `${percent < 0 ? '−' : '+'}${digits}%`;
}

function median(values: readonly Micros[]): Micros | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : Math.round(((sorted[middle - 1] ?? upper) + upper) / 2);
}

function assertInputs(segments: readonly BudgetSegmentInput[]): void {
  const seen = new Set<string>();
  for (const segment of segments) {
    if (seen.has(segment.segmentId))
      throw new RangeError(`Segment ${segment.segmentId} appears twice in one run.`);
    seen.add(segment.segmentId);
    for (const [name, value] of [
      ['currentBudgetMicros', segment.currentBudgetMicros],
      ['trailingSpendMicros', segment.trailingSpendMicros],
      ['trailingLeads', segment.trailingLeads],
      ['targetLeadsPerDay', segment.targetLeadsPerDay],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(
          `${name} of segment ${segment.segmentId} must be a whole number ≥ 0, got ${value}.`,
        );
      }
    }
    for (const [name, value] of [
      ['recentLeadsPerDay', segment.recentLeadsPerDay],
      ['capacityTotalLeads', segment.capacityTotalLeads],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`${name} of segment ${segment.segmentId} must be a number ≥ 0, got ${value}.`);
      }
    }
  }
}
