import { decideBudgets } from '../domain/budget-controller.ts';
import { microsFromEuros } from '../domain/money.ts';
import {
  needsDecision,
  orchestrationCounts,
  reconcileSegment,
  unsentStatus,
} from '../domain/orchestration-rules.ts';
import { runModeFor } from '../domain/run-dates.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { applySegmentChanges, type SegmentBudgets, segmentBudgets, segmentChange } from './budget-changes.ts';
import {
  changeMetrics,
  controllerInputOf,
  decisionLogRow,
  type LogRow,
  loadOrchestrationInputs,
  logRow,
  reconciledEntry,
  recordDecisions,
  recordedDecision,
  type SegmentRow,
  settlesAs,
} from './orchestration.repository.ts';
import { recordedStep } from './recorded-step.ts';
import { loadRunSettings } from './settings.repository.ts';
import type { StepInput } from './step-input.ts';

/** A segment ready for the controller, with what its ads account shows now. */
interface Candidate {
  readonly row: SegmentRow;
  readonly now: SegmentBudgets;
}

/**
 * Orchestrate: one budget decision per segment, channel and date, inside the guardrails; all
 * changes of an ads account in one batched call; every decision logged with its explanation;
 * the plan's budget recorded only when the change landed. A change is claimed (`applying`) before
 * it is sent, so a retry that finds it landed settles it (as it was claimed: clamped stays
 * clamped) instead of sending it again. Only the run for the latest complete business day sends
 * anything: a run for an older date logs what it would have decided as `not_sent`.
 */
export function runOrchestrateStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'orchestrate', input, async (runId) => {
    const settings = await loadRunSettings(runtime.db);
    const mode = runModeFor(input.date, runtime.clock.now(), runtime.config.LFI_TIME_ZONE);
    const segments = await loadOrchestrationInputs(runtime.db, input.date, settings.controller.lookbackDays);
    const open = segments.filter((row) => needsDecision(recordedDecision(row), mode));
    const budgets = await segmentBudgets(
      runtime,
      open.map((row) => ({ segmentId: row.segment_id, campaigns: row.campaigns })),
    );

    const rows: LogRow[] = [];
    const candidates: Candidate[] = [];
    for (const row of open) {
      const now = budgets.get(row.segment_id);
      if (!now) continue;
      const found = reconcileSegment({
        mappedCampaigns: row.campaigns.length,
        campaignsWithBudget: now.campaignBudgets.length,
        foreignCurrency: now.foreignCurrency,
        usesSharedBudget: now.usesSharedBudget,
        currentMicros: now.currentMicros,
        decision: recordedDecision(row),
        lastSetMicros: row.last_set_budget === null ? null : microsFromEuros(row.last_set_budget),
        paused: row.paused,
        killSwitch: settings.guardrails.killSwitch,
      });
      if (found.kind === 'decide') candidates.push({ row, now });
      else {
        const current = { segmentId: row.segment_id, planId: row.plan_id, campaigns: row.campaigns };
        const at = { oldMicros: now.currentMicros, newMicros: now.currentMicros };
        rows.push(logRow(reconciledEntry(found, { ...current, ...at })));
      }
    }

    const decisions = decideBudgets(
      candidates.map(({ row, now }) => controllerInputOf(row, now)),
      settings.guardrails,
      settings.controller,
    );
    const changes = candidates.flatMap((candidate, index) => {
      const decision = decisions[index];
      if (!decision) return [];
      if (decision.newMicros === decision.oldMicros) {
        rows.push(decisionLogRow(candidate.row, decision, 'skipped'));
        return [];
      }
      return [
        {
          candidate,
          decision,
          ...segmentChange(candidate.row.segment_id, candidate.now.budgets, decision.newMicros),
        },
      ];
    });

    const unsent = unsentStatus(mode, input.dryRun);
    if (unsent !== null) {
      // A dry run asks the ads channel to validate (validate_only); a past date sends nothing at all.
      const outcomes = unsent === 'dry_run' ? await applySegmentChanges(runtime, changes, true) : [];
      const checked = new Map(outcomes.map((outcome) => [outcome.change, outcome]));
      const decided = [
        ...rows,
        ...changes.map((c) => {
          const sent = checked.get(c) ?? { parts: c.parts, error: null };
          return decisionLogRow(c.candidate.row, c.decision, sent.error ? 'failed' : 'dry_run', sent);
        }),
      ];
      const prefix = unsent === 'not_sent' ? `not sent (${input.date} is not the latest business day): ` : '';
      const logged = decided.map((row) => ({
        ...row,
        status: unsent,
        explanation: prefix + row.explanation,
      }));
      await recordDecisions(runtime.db, runId, input.date, logged);
      const notSent = unsent === 'not_sent' ? changes.length : 0;
      return counts(segments.length, decided, segments.length - open.length, notSent);
    }

    // Claim the changes before sending them, so a retry after a crash can tell what was sent.
    await recordDecisions(runtime.db, runId, input.date, [
      ...rows,
      ...changes.map((c) => decisionLogRow(c.candidate.row, c.decision, 'applying', c)),
    ]);
    const outcomes = await applySegmentChanges(runtime, changes, false);
    const settled = outcomes.map((sent) =>
      decisionLogRow(
        sent.change.candidate.row,
        sent.change.decision,
        sent.error === null ? settlesAs(sent.change.decision) : 'failed',
        sent,
      ),
    );
    await recordDecisions(runtime.db, runId, input.date, settled);
    for (const [name, value] of Object.entries(changeMetrics([...rows, ...settled])))
      runtime.metrics.add(name as keyof ReturnType<typeof changeMetrics>, value);
    return counts(segments.length, [...rows, ...settled], segments.length - open.length, 0);
  });
}

function counts(segments: number, rows: readonly LogRow[], alreadyDecided: number, notSent: number) {
  const outcomes = rows.map((row) => ({ status: row.status, actionType: row.action_type }));
  return orchestrationCounts(outcomes, { segments, alreadyDecided, notSent });
}
