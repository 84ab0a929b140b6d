import type { DecisionReasonData } from './decision-reason.ts';
import { eurosFromMicros, type Micros } from './money.ts';
import type { RunMode } from './run-dates.ts';

/**
 * The rules Orchestrate applies before the controller decides: which segments still need a
 * decision for the date, and what the ads account's current state means for each (a budget LFI
 * cannot change, a change an earlier attempt already landed, a budget changed by hand).
 */

/** The decision already recorded for the segment, channel and date, if any. */
export interface RecordedDecision {
  readonly status: string;
  readonly oldMicros: Micros | null;
  readonly newMicros: Micros | null;
  readonly actionType: string;
  readonly explanation: string;
  /** What a claimed change (`applying`) settles as once it landed. */
  readonly settlesAs: 'applied' | 'clamped' | null;
}

/**
 * A segment is still open when it has no decision for the date, or (live) only a claimed change
 * (`applying`) or a failed one, which a retry settles. A run for a past date never touches a
 * recorded decision: it only logs what it would decide where none exists.
 */
export function needsDecision(decision: RecordedDecision | null, mode: RunMode): boolean {
  if (decision === null) return true;
  return mode === 'live' && (decision.status === 'applying' || decision.status === 'failed');
}

export interface SegmentState {
  readonly mappedCampaigns: number;
  /** Campaigns of the segment found with a budget in the ads account. */
  readonly campaignsWithBudget: number;
  /** A currency other than EUR the account bills in, if any. */
  readonly foreignCurrency: string | undefined;
  readonly usesSharedBudget: boolean;
  /** The sum of the segment's distinct budgets now. */
  readonly currentMicros: Micros;
  readonly decision: RecordedDecision | null;
  /** The budget LFI last set, adopted or restored before the date; null if never. */
  readonly lastSetMicros: Micros | null;
  readonly paused: boolean;
  readonly killSwitch: boolean;
}

export type Reconciled =
  | { readonly kind: 'skip'; readonly reason: DecisionReasonData }
  /** An earlier attempt's change landed: settle it as it was claimed, never send it again. */
  | {
      readonly kind: 'settle';
      readonly status: 'applied' | 'clamped';
      readonly oldMicros: Micros;
      readonly actionType: string;
      readonly explanation: string;
    }
  /** Changed by hand in the ads account: the new baseline. */
  | { readonly kind: 'adopt'; readonly lastSetMicros: Micros; readonly reason: DecisionReasonData }
  | { readonly kind: 'decide' };

export function reconcileSegment(state: SegmentState): Reconciled {
  const { decision, currentMicros } = state;
  if (state.campaignsWithBudget < state.mappedCampaigns)
    return { kind: 'skip', reason: { code: 'campaign_without_budget', params: {} } };
  if (state.foreignCurrency !== undefined)
    return {
      kind: 'skip',
      reason: { code: 'foreign_currency', params: { currency: state.foreignCurrency } },
    };
  if (state.usesSharedBudget) return { kind: 'skip', reason: { code: 'shared_budget', params: {} } };
  if (
    decision?.newMicros != null &&
    decision.newMicros !== decision.oldMicros &&
    decision.newMicros === currentMicros
  )
    // A change an earlier attempt sent (still `applying`, or `failed` on an error that came after
    // the change landed): the budget already is the new one, so it is settled, not resent.
    return {
      kind: 'settle',
      status: decision.settlesAs ?? 'applied',
      oldMicros: decision.oldMicros ?? 0,
      actionType: decision.actionType,
      explanation: decision.explanation,
    };
  if (
    !state.paused &&
    !state.killSwitch &&
    state.lastSetMicros !== null &&
    state.lastSetMicros !== currentMicros
  )
    // Steering resumes from the hand-set amount tomorrow (an admin who wants LFI to keep off
    // pauses the segment; with the kill switch on nothing is decided at all).
    return {
      kind: 'adopt',
      lastSetMicros: state.lastSetMicros,
      reason: {
        code: 'changed_outside',
        params: {
          last_set_budget: eurosFromMicros(state.lastSetMicros),
          current_budget: eurosFromMicros(currentMicros),
        },
      },
    };
  return { kind: 'decide' };
}

/** How a run records what it decided, by mode and dry run. */
export function unsentStatus(mode: RunMode, dryRun: boolean): 'dry_run' | 'not_sent' | null {
  if (dryRun) return 'dry_run';
  return mode === 'history' ? 'not_sent' : null;
}

/** What a night's Orchestrate step reports: segments seen, and what became of their decisions. */
export type OrchestrationCounts = {
  readonly segments: number;
  readonly already_decided: number;
  readonly increased: number;
  readonly decreased: number;
  readonly skipped: number;
  readonly failed: number;
  readonly not_sent: number;
};

/**
 * Counts a night's logged outcomes. A raise or cut counts once it is decided and not failed or
 * skipped (applied, clamped, a dry run, or not sent for a past date: what the night decided).
 */
export function orchestrationCounts(
  outcomes: readonly { readonly status: string; readonly actionType: string }[],
  totals: { readonly segments: number; readonly alreadyDecided: number; readonly notSent: number },
): OrchestrationCounts {
  const by = (predicate: (outcome: (typeof outcomes)[number]) => boolean) =>
    outcomes.filter(predicate).length;
  const changed = (actionType: string) =>
    by((o) => o.status !== 'failed' && o.status !== 'skipped' && o.actionType === actionType);
  return {
    segments: totals.segments,
    already_decided: totals.alreadyDecided,
    increased: changed('budget_increase'),
    decreased: changed('budget_decrease'),
    skipped: by((o) => o.status === 'skipped'),
    failed: by((o) => o.status === 'failed'),
    not_sent: totals.notSent,
  };
}
