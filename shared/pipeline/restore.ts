import { randomUUID } from 'node:crypto';
import { yesterday } from '../domain/business-day.ts';
import { microsFromEuros } from '../domain/money.ts';
import { planRestores, type RestorePlan } from '../domain/restore-rules.ts';
import { runDateProblem } from '../domain/run-dates.ts';
import { InputError } from '../runtime/errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { applySegmentChanges, segmentBudgets, segmentChange } from './budget-changes.ts';
import { logRow, recordDecisions } from './orchestration.repository.ts';
import { loadNightChanges } from './restore.repository.ts';
import { acquireRunLease, releaseRunLease } from './run-lease.repository.ts';
import { holdRunLease, runLeaseTtlSeconds } from './run-lease.ts';
import { loadRunSettings } from './settings.repository.ts';
import { writeSystemLog } from './system-log.ts';

export interface RestoreOutcome {
  readonly segmentId: string;
  readonly code: string;
  readonly status: 'restored' | 'restore_failed' | 'dry_run' | 'skipped';
  readonly explanation: string;
  readonly error: string | null;
}

export interface RestoreRequest {
  readonly date: string;
  readonly dryRun: boolean;
  /** How long to wait for a run of the date to finish (default LFI_RUN_LEASE_WAIT_SECONDS). */
  readonly waitSeconds?: number;
}

export interface RestoreResult {
  readonly date: string;
  readonly dryRun: boolean;
  readonly segments: readonly RestoreOutcome[];
}

/**
 * Puts every budget the night of `date` changed back to its value before the night, through the
 * ads channel (validate_only in a dry run), the guardrails' budget range, the kill switch and
 * pause; a budget changed since (by hand or by a later night) is left alone, and each segment's
 * outcome is logged in channel_orchestration_log beside the night's decision.
 *
 * It holds the run leases of `date` and of yesterday (the one night that changes live budgets)
 * while it works: a run of either still sending its changes is waited for up to `waitSeconds`
 * (then refused with RunInProgressError), and neither starts halfway through a restore. The API
 * waits for nothing (its Lambda has seconds): it answers 409 at once.
 */
export async function restoreNight(runtime: Runtime, request: RestoreRequest): Promise<RestoreResult> {
  const { date } = request;
  const now = runtime.clock.now();
  const problem = runDateProblem(date, now, runtime.config.LFI_TIME_ZONE, 'date');
  if (problem) throw new InputError(problem, [{ path: ['date'], message: problem }]);
  const holder = `restore:${randomUUID()}`;
  // Always taken in date order, so two restores never hold one lease each while waiting for the other.
  const dates = [...new Set([date, yesterday(now, runtime.config.LFI_TIME_ZONE)])].sort();
  const held: string[] = [];
  try {
    for (const leaseDate of dates) {
      await holdRunLease(
        runtime,
        leaseDate,
        holder,
        () => acquireRunLease(runtime.db, { date: leaseDate, holder, ttlSeconds: runLeaseTtlSeconds }),
        request.waitSeconds,
      );
      held.push(leaseDate);
    }
    return await restoreHeld(runtime, request);
  } finally {
    for (const leaseDate of held) await releaseRunLease(runtime.db, leaseDate, holder);
  }
}

async function restoreHeld(
  runtime: Runtime,
  { date, dryRun }: { readonly date: string; readonly dryRun: boolean },
): Promise<RestoreResult> {
  const settings = await loadRunSettings(runtime.db);
  const night = await loadNightChanges(runtime.db, date);
  const budgets = await segmentBudgets(
    runtime,
    night.map((row) => ({ segmentId: row.segment_id, campaigns: row.campaigns })),
  );
  const plans = planRestores(
    date,
    night.map((row) => {
      const now = budgets.get(row.segment_id);
      const complete = now && row.campaigns.length > 0 && now.campaignBudgets.length === row.campaigns.length;
      return {
        segmentId: row.segment_id,
        code: row.code,
        paused: row.paused,
        beforeMicros: microsFromEuros(row.old_value),
        setMicros: microsFromEuros(row.new_value),
        currentMicros: complete && !now.usesSharedBudget ? now.currentMicros : null,
      };
    }),
    settings.guardrails,
  );
  const restores = plans.flatMap((plan) =>
    plan.kind === 'restore'
      ? [
          {
            plan,
            ...segmentChange(plan.segmentId, budgets.get(plan.segmentId)?.budgets ?? [], plan.newMicros),
          },
        ]
      : [],
  );
  const outcomes = await applySegmentChanges(runtime, restores, dryRun);
  const sent = new Map<RestorePlan, (typeof outcomes)[number]>(outcomes.map((o) => [o.change.plan, o]));
  const rowOf = new Map(night.map((row) => [row.segment_id, row]));
  const logged = restores.map(({ plan }) => {
    const row = rowOf.get(plan.segmentId);
    const error = sent.get(plan)?.error ?? null;
    return logRow({
      segmentId: plan.segmentId,
      planId: row?.plan_id ?? null,
      campaigns: row?.campaigns ?? [],
      oldMicros: plan.oldMicros,
      newMicros: plan.newMicros,
      status: dryRun ? 'dry_run' : error === null ? 'restored' : 'restore_failed',
      explanation: dryRun ? `restore (dry run): ${plan.explanation}` : plan.explanation,
      errorMessage: error,
      parts: sent.get(plan)?.parts,
    });
  });
  await recordDecisions(runtime.db, null, date, logged);
  await writeSystemLog(runtime, {
    level: 'info',
    source: 'restore',
    message: `restore of ${date}${dryRun ? ' (dry run)' : ''}: ${logged.length} of ${plans.length} budget(s) put back`,
    context: { date, dryRun },
  });
  return {
    date,
    dryRun,
    segments: plans.map((plan) => outcomeOf(plan, sent.get(plan)?.error ?? null, dryRun)),
  };
}

function outcomeOf(plan: RestorePlan, error: string | null, dryRun: boolean): RestoreOutcome {
  const base = { segmentId: plan.segmentId, code: plan.code, explanation: plan.explanation, error };
  if (plan.kind === 'skip') return { ...base, status: 'skipped' };
  if (dryRun) return { ...base, status: error === null ? 'dry_run' : 'restore_failed' };
  return { ...base, status: error === null ? 'restored' : 'restore_failed' };
}
