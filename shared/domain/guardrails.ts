import { z } from 'zod';
import { splitBudget } from './budget-split.ts';
import { floorToCents, type Micros, scaleToCents } from './money.ts';

/**
 * The safety limits on budget changes and the settings that tune
 * them. Amounts are integer micros (EUR) so the settings parse straight from lfi_settings jsonb
 * or config without a float ever touching money.
 */

const micros = z.int().nonnegative();
const PPM = 1_000_000;

export const guardrailSettingsSchema = z
  .strictObject({
    /** Largest change of a segment's budget in one day, as a fraction of the current budget. */
    maxDailyChange: z.number().gt(0).lte(1).default(0.2),
    minBudgetMicros: micros.positive().default(5_000_000),
    maxBudgetMicros: micros.positive().default(1_000_000_000),
    /** Cap on the sum of segment budgets per ads account (customer id). */
    accountDailyCapMicros: z.record(z.string(), micros).default({}),
    /** Cap for accounts not listed above; null means no cap. */
    defaultAccountDailyCapMicros: micros.nullable().default(null),
    maxChangesPerRun: z.int().nonnegative().default(50),
    /** On: decide nothing, change nothing. */
    killSwitch: z.boolean().default(false),
    /** A change counts only when it reaches minChangeMicros or minChangeFraction of the budget. */
    minChangeMicros: micros.default(1_000_000),
    minChangeFraction: z.number().min(0).lt(1).default(0.01),
  })
  .refine((settings) => settings.minBudgetMicros <= settings.maxBudgetMicros, {
    message: 'minBudgetMicros must not exceed maxBudgetMicros',
    path: ['minBudgetMicros'],
  });

export type GuardrailSettings = z.output<typeof guardrailSettingsSchema>;
export type GuardrailSettingsInput = z.input<typeof guardrailSettingsSchema>;

export const defaultGuardrailSettings: GuardrailSettings = guardrailSettingsSchema.parse({});

/** Why a decision differs from the plain "current + gap × CPL". */
export type GuardrailReason =
  | 'kill_switch'
  | 'paused'
  | 'zero_budget_start'
  | 'max_daily_change'
  | 'min_budget'
  | 'max_budget'
  | 'zero_capacity'
  | 'below_min_change'
  | 'account_cap'
  | 'max_changes_per_run';

export interface SegmentLimitInput {
  readonly oldMicros: Micros;
  /** current + gap × CPL, already rounded to whole cents; may be negative. */
  readonly desiredMicros: Micros;
  readonly capacityTotalLeads: number;
}

export interface LimitedBudget {
  readonly newMicros: Micros;
  readonly reasons: GuardrailReason[];
}

/**
 * The per-segment limits, in this order:
 * 1. a budget of 0 that should grow starts at the minimum (a ±20% window around 0 is empty);
 * 2. otherwise at most ±maxDailyChange of the current budget (bounds rounded inward to cents);
 * 3. never outside [min, max]; a budget already outside is moved to the nearest bound when the
 *    controller wants to move it that way anyway, and left alone otherwise (the range beats the
 *    daily window here, as it does for a zero budget);
 * 4. no increase at zero capacity;
 * 5. a change smaller than both minChangeMicros and minChangeFraction × budget is dropped
 *    (only for budgets inside the range, so a small repair into the range still happens).
 * Kill switch and pause are handled by the caller: they stop a decision before any amount.
 */
export function limitSegmentBudget(input: SegmentLimitInput, settings: GuardrailSettings): LimitedBudget {
  const { oldMicros, desiredMicros } = input;
  const reasons: GuardrailReason[] = [];
  const direction = Math.sign(desiredMicros - oldMicros);
  if (direction === 0) return { newMicros: oldMicros, reasons };

  let candidate: Micros;
  if (oldMicros === 0) {
    candidate = direction > 0 ? settings.minBudgetMicros : oldMicros;
    if (direction > 0 && candidate !== desiredMicros) reasons.push('zero_budget_start');
  } else {
    const { lower, upper } = dailyWindow(oldMicros, settings);
    candidate = Math.min(Math.max(desiredMicros, lower), upper);
    if (candidate !== desiredMicros) reasons.push('max_daily_change');
    if (candidate < settings.minBudgetMicros) {
      candidate = settings.minBudgetMicros;
      reasons.push('min_budget');
    } else if (candidate > settings.maxBudgetMicros) {
      candidate = settings.maxBudgetMicros;
      reasons.push('max_budget');
    }
    // A limit must never turn a wanted decrease into an increase, or the reverse.
    if (Math.sign(candidate - oldMicros) !== direction) candidate = oldMicros;
  }

  if (candidate > oldMicros && input.capacityTotalLeads <= 0) {
    candidate = oldMicros;
    reasons.push('zero_capacity');
  }
  if (
    candidate !== oldMicros &&
    isInRange(oldMicros, settings) &&
    isBelowMinChange(candidate - oldMicros, oldMicros, settings)
  ) {
    candidate = oldMicros;
    reasons.push('below_min_change');
  }
  return { newMicros: candidate, reasons };
}

/** The ±maxDailyChange window around a budget, rounded inward to whole cents. */
export function dailyWindow(
  oldMicros: Micros,
  settings: GuardrailSettings,
): { lower: Micros; upper: Micros } {
  const changePpm = Math.round(settings.maxDailyChange * PPM);
  return {
    lower: scaleToCents(oldMicros, PPM - changePpm, PPM, 'ceil'),
    upper: scaleToCents(oldMicros, PPM + changePpm, PPM, 'floor'),
  };
}

export function isInRange(micros: Micros, settings: GuardrailSettings): boolean {
  return micros >= settings.minBudgetMicros && micros <= settings.maxBudgetMicros;
}

export function isBelowMinChange(
  deltaMicros: Micros,
  oldMicros: Micros,
  settings: GuardrailSettings,
): boolean {
  const size = Math.abs(deltaMicros);
  return size < settings.minChangeMicros && size < settings.minChangeFraction * oldMicros;
}

export function accountCapFor(accountId: string, settings: GuardrailSettings): Micros | null {
  return settings.accountDailyCapMicros[accountId] ?? settings.defaultAccountDailyCapMicros;
}

/** One of a segment's budgets: the ads account that owns it and its amount now. */
export interface AccountBudget {
  readonly accountId: string;
  readonly currentMicros: Micros;
}

export interface RunCandidate {
  readonly segmentId: string;
  readonly accountId: string;
  /**
   * The segment's budgets in the order its new total is split over them (`splitBudget`), for a
   * segment whose campaigns span accounts; by default one budget in `accountId`.
   */
  readonly budgets?: readonly AccountBudget[];
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  /** Larger first: decides who gets a change slot, and cap room when no marginal cost is known. */
  readonly priority: number;
  /** What one more lead costs at a budget (any currency unit): cap room goes to the cheapest leads first. */
  readonly marginalCostAt?: (budgetMicros: Micros) => number;
}

export interface RunLimitedBudget {
  readonly segmentId: string;
  readonly newMicros: Micros;
  readonly reason: 'max_changes_per_run' | 'account_cap' | null;
}

/**
 * The limits across a run, on budgets already limited per segment:
 * 1. max changes per run: changes are granted in priority order (largest relative gap first,
 *    then segment id); the rest keep their budget, marked max_changes_per_run;
 * 2. account daily cap: decreases always stand (they only free room); increases get the room
 *    left under the cap, to the cheapest marginal leads first when every increase knows its
 *    marginal cost per lead, else in priority order, trimmed to whole cents. A trimmed increase that would
 *    leave the range or fall below the minimum change is dropped, and no budget is ever pushed
 *    below its current value because of the cap. So the sum of new budgets per account stays
 *    ≤ the cap, or ≤ the sum of old budgets when that was already above it.
 * A change slot granted to an increase the cap then removes is not handed on: keeping the two
 * steps separate keeps both limits easy to check.
 */
export function limitRun(
  candidates: readonly RunCandidate[],
  settings: GuardrailSettings,
): RunLimitedBudget[] {
  const ordered = [...candidates].sort(
    (a, b) => b.priority - a.priority || (a.segmentId < b.segmentId ? -1 : a.segmentId > b.segmentId ? 1 : 0),
  );
  const results = new Map<string, { newMicros: Micros; reason: RunLimitedBudget['reason'] }>();

  let changes = 0;
  for (const candidate of ordered) {
    const isChange = candidate.newMicros !== candidate.oldMicros;
    if (isChange && changes >= settings.maxChangesPerRun) {
      results.set(candidate.segmentId, { newMicros: candidate.oldMicros, reason: 'max_changes_per_run' });
    } else {
      if (isChange) changes += 1;
      results.set(candidate.segmentId, { newMicros: candidate.newMicros, reason: null });
    }
  }

  const newOf = (candidate: RunCandidate): Micros =>
    results.get(candidate.segmentId)?.newMicros ?? candidate.oldMicros;
  const accounts = new Set(ordered.flatMap((candidate) => budgetsOf(candidate).map((b) => b.accountId)));
  for (const accountId of accounts) {
    const cap = accountCapFor(accountId, settings);
    if (cap === null) continue;
    // Each segment as this account sees it: the part of its budget the account owns.
    const inAccount = (candidate: RunCandidate, total: Micros) =>
      amountInAccount(candidate, accountId, total);
    const account = ordered.filter((candidate) =>
      budgetsOf(candidate).some((b) => b.accountId === accountId),
    );
    const room =
      cap -
      account.reduce(
        (sum, candidate) => sum + inAccount(candidate, Math.min(candidate.oldMicros, newOf(candidate))),
        0,
      );
    const increases = account
      .filter(
        (candidate) => inAccount(candidate, newOf(candidate)) > inAccount(candidate, candidate.oldMicros),
      )
      .map((candidate) => {
        const share = shareInAccount(candidate, accountId);
        const { marginalCostAt } = candidate;
        const view: RunCandidate = {
          ...candidate,
          oldMicros: inAccount(candidate, candidate.oldMicros),
          ...(marginalCostAt ? { marginalCostAt: (part: Micros) => marginalCostAt(part / share) } : {}),
        };
        return { candidate, view, newInAccount: inAccount(candidate, newOf(candidate)) };
      });
    const wantedTotal = increases.reduce((sum, c) => sum + c.newInAccount - c.view.oldMicros, 0);
    if (wantedTotal <= room) continue;
    const views = increases.map((c) => c.view);
    const viewNew = new Map(increases.map((c) => [c.view, c.newInAccount]));
    const newOfView = (view: RunCandidate) => viewNew.get(view) ?? view.oldMicros;
    const granted = views.every((view) => view.marginalCostAt)
      ? grantByMarginalCost(views, newOfView, room)
      : grantInOrder(views, newOfView, room);
    let left = room;
    for (const { candidate, view, newInAccount } of increases) {
      const wanted = newInAccount - view.oldMicros;
      const grant = Math.min(granted.get(candidate.segmentId) ?? 0, Math.max(0, left));
      if (grant >= wanted) {
        left -= wanted;
        continue;
      }
      let trimmed = totalWithinGrant(candidate, accountId, grant);
      const valid =
        trimmed > candidate.oldMicros &&
        isInRange(trimmed, settings) &&
        !isBelowMinChange(trimmed - candidate.oldMicros, candidate.oldMicros, settings);
      if (!valid) trimmed = candidate.oldMicros;
      left -= inAccount(candidate, trimmed) - view.oldMicros;
      results.set(candidate.segmentId, { newMicros: trimmed, reason: 'account_cap' });
    }
  }

  return candidates.map((candidate) => {
    const result = results.get(candidate.segmentId) ?? { newMicros: candidate.oldMicros, reason: null };
    return { segmentId: candidate.segmentId, ...result };
  });
}

function budgetsOf(candidate: RunCandidate): readonly AccountBudget[] {
  return candidate.budgets?.length
    ? candidate.budgets
    : [{ accountId: candidate.accountId, currentMicros: candidate.oldMicros }];
}

/** The part of a segment total `total` that lands in budgets of `accountId`, split as it is sent. */
function amountInAccount(candidate: RunCandidate, accountId: string, total: Micros): Micros {
  const budgets = budgetsOf(candidate);
  const parts = splitBudget(
    budgets.map((b) => b.currentMicros),
    total,
  );
  return budgets.reduce((sum, b, i) => (b.accountId === accountId ? sum + (parts[i] ?? 0) : sum), 0);
}

/** The account's share of a segment's budget (for pricing its part of an increase). */
function shareInAccount(candidate: RunCandidate, accountId: string): number {
  const unit = 1_000_000_000;
  return amountInAccount(candidate, accountId, unit) / unit || 1;
}

/** The largest whole-cent segment total whose part in the account rises by at most `grant`. */
function totalWithinGrant(candidate: RunCandidate, accountId: string, grant: Micros): Micros {
  const before = amountInAccount(candidate, accountId, candidate.oldMicros);
  let total = floorToCents(Math.floor(candidate.oldMicros + grant / shareInAccount(candidate, accountId)));
  while (total > candidate.oldMicros && amountInAccount(candidate, accountId, total) - before > grant)
    total -= 10_000;
  return Math.max(total, candidate.oldMicros);
}

/** Cap room in priority order: each increase whole while it fits, the first that doesn't gets the rest. */
function grantInOrder(
  increases: readonly RunCandidate[],
  newOf: (candidate: RunCandidate) => Micros,
  room: Micros,
): Map<string, Micros> {
  const granted = new Map<string, Micros>();
  let left = Math.max(0, room);
  for (const candidate of increases) {
    const grant = Math.min(newOf(candidate) - candidate.oldMicros, left);
    granted.set(candidate.segmentId, grant);
    left -= grant;
  }
  return granted;
}

const CAP_STEPS = 20;

/**
 * Cap room to the cheapest marginal leads first: each wanted increase is cut into equal steps,
 * each priced at the marginal cost per lead in its middle, and the steps are granted cheapest
 * first while room lasts. With costs rising with budget (diminishing returns) this equalises the
 * marginal cost across the account's segments, which is what buys the most leads for the cap.
 */
function grantByMarginalCost(
  increases: readonly RunCandidate[],
  newOf: (candidate: RunCandidate) => Micros,
  room: Micros,
): Map<string, Micros> {
  const steps = increases.flatMap((candidate) => {
    const wanted = newOf(candidate) - candidate.oldMicros;
    const size = Math.max(wanted / CAP_STEPS, 10_000);
    const count = Math.ceil(wanted / size);
    return Array.from({ length: count }, (_, k) => {
      const amount = Math.min(size, wanted - k * size);
      const cost = candidate.marginalCostAt?.(candidate.oldMicros + k * size + amount / 2) ?? 0;
      return { segmentId: candidate.segmentId, amount, cost };
    });
  });
  steps.sort(
    (a, b) => a.cost - b.cost || (a.segmentId < b.segmentId ? -1 : a.segmentId > b.segmentId ? 1 : 0),
  );
  const granted = new Map<string, Micros>();
  let left = Math.max(0, room);
  for (const step of steps) {
    const grant = Math.min(step.amount, left);
    if (grant <= 0) break;
    granted.set(step.segmentId, (granted.get(step.segmentId) ?? 0) + grant);
    left -= grant;
  }
  return granted;
}
