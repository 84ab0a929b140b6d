import { z } from 'zod';
import type { BudgetChange, CampaignBudget, CampaignRef } from '../ads/ads-channel.port.ts';
import '../ads/google-ads.loader.ts';
import { type BudgetDecision, type BudgetSegmentInput, decideBudgets } from '../domain/budget-controller.ts';
import { splitBudget } from '../domain/budget-split.ts';
import { type DecisionReasonData, renderReason } from '../domain/decision-reason.ts';
import { eurosFromMicros, type Micros, microsFromEuros } from '../domain/money.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { recordedStep } from './recorded-step.ts';
import { loadRunSettings } from './settings.repository.ts';
import type { StepInput } from './step-input.ts';

const channel = 'google_ads';
const decimal = z.union([z.number(), z.string()]).transform(Number);

const segmentSchema = z.object({
  segment_id: z.uuid(),
  code: z.string(),
  branch: z.string(),
  paused: z.boolean(),
  plan_id: z.uuid(),
  target_leads_per_day: decimal,
  recent_leads_per_day: decimal,
  actual_leads: z.number().int(),
  capacity_total_leads: decimal,
  history: z.array(
    z.object({
      date: z.string(),
      leads: z.number().int(),
      spend_micros: z.number().int(),
      budget_micros: z.number().int().nullable(),
      lost_share: decimal.nullable(),
    }),
  ),
  revenue: decimal,
  decided_leads: z.number().int(),
  campaigns: z.array(z.object({ customer_id: z.string(), campaign_id: z.string() })).min(1),
  decision: z
    .object({
      status: z.string(),
      old_value: z.union([z.number(), z.string()]).nullable(),
      new_value: z.union([z.number(), z.string()]).nullable(),
      action_type: z.string(),
      explanation: z.string(),
    })
    .nullable(),
  last_set_budget: z.union([z.number(), z.string()]).nullable(),
});
type SegmentRow = z.infer<typeof segmentSchema>;

type LogStatus = 'applying' | 'applied' | 'clamped' | 'adopted' | 'skipped' | 'failed' | 'dry_run';

interface LogRow {
  readonly segment_id: string;
  readonly plan_id: string;
  readonly channel: string;
  readonly customer_id: string;
  readonly campaign_id: string;
  readonly action_type: string;
  readonly old_value: string;
  readonly new_value: string;
  readonly status: LogStatus;
  readonly explanation: string;
  /** Null only when settling an earlier attempt's row, which keeps its reason. */
  readonly reason_code: string | null;
  readonly reason_params: DecisionReasonData['params'] | null;
  readonly error_message: string | null;
}

/** A segment ready for a decision: its campaigns' distinct current budgets, in the mapping's order. */
interface Candidate {
  readonly row: SegmentRow;
  readonly budgets: readonly CampaignBudget[];
  readonly currentMicros: Micros;
}

/** A candidate whose decision changes its budget. */
interface Change {
  readonly candidate: Candidate;
  readonly decision: BudgetDecision;
}

/**
 * Orchestrate: one budget decision per segment, channel and date, inside the guardrails; all
 * changes of an ads account in one batched call; every decision logged with its explanation;
 * the plan's budget recorded only when the change landed. A decision already settled for the
 * date is never taken again, so a repeated or retried run changes nothing twice: a change is
 * recorded as `applying` before it is sent, and a retry that finds the budget already at the
 * new amount settles it as applied instead of sending it again.
 */
export function runOrchestrateStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'orchestrate', input, async (runId) => {
    const { db } = runtime;
    const settings = await loadRunSettings(db);
    const segments = z.array(segmentSchema).parse(
      await db.rpc('lfi_orchestration_inputs', {
        p_date: input.date,
        p_channel: channel,
        p_lookback_days: settings.controller.lookbackDays,
      }),
    );

    const open = segments.filter(
      (s) => !s.decision || s.decision.status === 'applying' || s.decision.status === 'failed',
    );
    const budgets = await currentBudgets(runtime, open);
    const rows: LogRow[] = [];
    const candidates: Candidate[] = [];
    for (const row of open) {
      const found = row.campaigns.map((c) => budgets.get(key(c.customer_id, c.campaign_id)));
      const campaignBudgets = found.filter((b): b is CampaignBudget => b !== undefined);
      // Campaigns of one segment may share a budget: count and change each budget once.
      const segmentBudgets = [
        ...new Map(campaignBudgets.map((b) => [key(b.customerId, b.budgetId), b])).values(),
      ];
      const currentMicros = segmentBudgets.reduce((sum, b) => sum + b.amountMicros, 0);
      const foreignCurrency = campaignBudgets.find(
        (b) => b.currencyCode !== undefined && b.currencyCode !== 'EUR',
      )?.currencyCode;
      const skip = (reason: DecisionReasonData) =>
        rows.push(logRow(row, currentMicros, currentMicros, 'no_change', 'skipped', reason));
      if (campaignBudgets.length < row.campaigns.length) {
        skip({ code: 'campaign_without_budget', params: {} });
      } else if (foreignCurrency !== undefined) {
        skip({ code: 'foreign_currency', params: { currency: foreignCurrency } });
      } else if (campaignBudgets.some((b) => b.shared)) {
        skip({ code: 'shared_budget', params: {} });
      } else if (
        row.decision?.new_value != null &&
        row.decision.new_value !== row.decision.old_value &&
        microsFromEuros(row.decision.new_value) === currentMicros
      ) {
        // A change an earlier attempt sent (still `applying`, or `failed` on an error that came
        // after the change landed): the budget already is the new one, so it is settled, not resent.
        rows.push(
          logRow(
            row,
            microsFromEuros(row.decision.old_value ?? 0),
            currentMicros,
            row.decision.action_type,
            'applied',
            row.decision.explanation,
          ),
        );
      } else if (
        !row.paused &&
        !settings.guardrails.killSwitch &&
        row.last_set_budget !== null &&
        microsFromEuros(row.last_set_budget) !== currentMicros
      ) {
        // Changed by hand in the ads account: that amount is the new baseline; steering resumes
        // from it tomorrow (an admin who wants LFI to keep off pauses the segment; with the
        // kill switch on nothing is decided at all).
        const lastSet = microsFromEuros(row.last_set_budget);
        rows.push(
          logRow(row, lastSet, currentMicros, 'no_change', 'adopted', {
            code: 'changed_outside',
            params: {
              last_set_budget: eurosFromMicros(lastSet),
              current_budget: eurosFromMicros(currentMicros),
            },
          }),
        );
      } else {
        candidates.push({ row, budgets: segmentBudgets, currentMicros });
      }
    }

    const decisions = decideBudgets(
      candidates.map(toControllerInput),
      settings.guardrails,
      settings.controller,
    );
    const changes: Change[] = [];
    decisions.forEach((decision, index) => {
      const candidate = candidates[index];
      if (!candidate) return;
      if (decision.newMicros === decision.oldMicros) {
        rows.push(decisionRow({ candidate, decision }, 'skipped'));
      } else {
        changes.push({ candidate, decision });
      }
    });

    if (input.dryRun) {
      const outcomes = await applyChanges(runtime, changes, true);
      const dryRows = [...rows, ...outcomes.map(({ change, error }) => settledRow(change, error, 'dry_run'))];
      await record(
        runtime,
        runId,
        input.date,
        dryRows.map((row) => ({ ...row, status: 'dry_run' as const })),
      );
      return counts(segments.length, dryRows, segments.length - open.length);
    }

    // Claim the changes before sending them, so a retry after a crash can tell what was sent.
    await record(runtime, runId, input.date, [
      ...rows,
      ...changes.map((change) => decisionRow(change, 'applying')),
    ]);
    const outcomes = await applyChanges(runtime, changes, false);
    const settled = outcomes.map(({ change, error }) =>
      settledRow(change, error, change.decision.status === 'clamped' ? 'clamped' : 'applied'),
    );
    await record(runtime, runId, input.date, settled);
    return counts(segments.length, [...rows, ...settled], segments.length - open.length);
  });
}

async function currentBudgets(
  runtime: Runtime,
  segments: readonly SegmentRow[],
): Promise<Map<string, CampaignBudget>> {
  const refs: CampaignRef[] = segments.flatMap((s) =>
    s.campaigns.map((c) => ({
      customerId: c.customer_id,
      campaignId: c.campaign_id,
      segmentId: s.segment_id,
    })),
  );
  const budgets = refs.length ? await runtime.ads.currentBudgets(refs) : [];
  return new Map(budgets.map((b) => [key(b.customerId, b.campaignId), b]));
}

function toControllerInput({ row, currentMicros }: Candidate): BudgetSegmentInput {
  return {
    segmentId: row.segment_id,
    code: row.code,
    branch: row.branch,
    accountId: row.campaigns[0]?.customer_id ?? '',
    currentBudgetMicros: currentMicros,
    targetLeadsPerDay: row.target_leads_per_day,
    recentLeadsPerDay: row.recent_leads_per_day,
    leadsOnDate: row.actual_leads,
    history: row.history.map((day) => ({
      date: day.date,
      leads: day.leads,
      spendMicros: day.spend_micros,
      budgetMicros: day.budget_micros,
      budgetLostImpressionShare: day.lost_share,
    })),
    valuePerLeadMicros:
      row.decided_leads > 0 ? Math.round(microsFromEuros(row.revenue) / row.decided_leads) : null,
    capacityTotalLeads: row.capacity_total_leads,
    isPaused: row.paused,
  };
}

/**
 * Sends the changes, one batched call per ads account (accounts in parallel). A failing account
 * fails only its own changes; each change comes back, in the order given, with its error (null
 * when every part of it landed).
 */
async function applyChanges(
  runtime: Runtime,
  changes: readonly Change[],
  validateOnly: boolean,
): Promise<{ change: Change; error: string | null }[]> {
  const perChange = changes.map((change) => {
    const { candidate, decision } = change;
    const amounts = splitBudget(
      candidate.budgets.map((b) => b.amountMicros),
      decision.newMicros,
    );
    const parts = candidate.budgets.map(
      (b, i): BudgetChange => ({
        customerId: b.customerId,
        campaignId: b.campaignId,
        budgetId: b.budgetId,
        segmentId: candidate.row.segment_id,
        newAmountMicros: amounts[i] ?? 0,
      }),
    );
    return { change, parts };
  });
  const byAccount = Map.groupBy(
    perChange.flatMap(({ parts }) => parts),
    (part) => part.customerId,
  );
  const outcomes = new Map<BudgetChange, string | null>();
  await Promise.all(
    [...byAccount].map(async ([customerId, accountChanges]) => {
      try {
        const results = await runtime.ads.applyBudgetChanges(customerId, accountChanges, { validateOnly });
        for (const result of results) outcomes.set(result.change, result.ok ? null : result.error);
        for (const change of accountChanges)
          if (!outcomes.has(change)) outcomes.set(change, 'no result from the ads channel');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runtime.logger.error('budget changes failed for an ads account', { customerId, error });
        for (const change of accountChanges) outcomes.set(change, message);
      }
    }),
  );
  return perChange.map(({ change, parts }) => {
    const errors = parts.map((part) => outcomes.get(part)).filter((e): e is string => typeof e === 'string');
    return { change, error: errors.length ? errors.join('; ') : null };
  });
}

function settledRow(change: Change, error: string | null, success: LogStatus): LogRow {
  return error === null
    ? decisionRow(change, success)
    : { ...decisionRow(change, 'failed'), error_message: error };
}

function decisionRow({ candidate, decision }: Change, status: LogStatus): LogRow {
  return logRow(
    candidate.row,
    decision.oldMicros,
    decision.newMicros,
    actionTypes[decision.action],
    status,
    decision.reason,
    decision.explanation,
  );
}

function logRow(
  row: SegmentRow,
  oldMicros: Micros,
  newMicros: Micros,
  actionType: string,
  status: LogStatus,
  /** The reason as data; a string is an earlier attempt's explanation, whose reason the row keeps. */
  reason: DecisionReasonData | string,
  explanation = typeof reason === 'string' ? reason : renderReason(reason),
): LogRow {
  return {
    segment_id: row.segment_id,
    plan_id: row.plan_id,
    channel,
    customer_id: row.campaigns[0]?.customer_id ?? '',
    campaign_id: row.campaigns.map((c) => c.campaign_id).join(','),
    action_type: actionType,
    old_value: eurosFromMicros(oldMicros),
    new_value: eurosFromMicros(newMicros),
    status,
    explanation,
    reason_code: typeof reason === 'string' ? null : reason.code,
    reason_params: typeof reason === 'string' ? null : reason.params,
    error_message: null,
  };
}

async function record(runtime: Runtime, runId: string, date: string, rows: readonly LogRow[]): Promise<void> {
  if (rows.length)
    await runtime.db.rpc('lfi_record_decisions', { p_run_id: runId, p_date: date, p_decisions: rows });
}

function counts(segments: number, rows: readonly LogRow[], alreadyDecided: number): Record<string, number> {
  const by = (predicate: (row: LogRow) => boolean) => rows.filter(predicate).length;
  const changed = (actionType: string) =>
    by((r) => r.status !== 'failed' && r.status !== 'skipped' && r.action_type === actionType);
  return {
    segments,
    already_decided: alreadyDecided,
    increased: changed('budget_increase'),
    decreased: changed('budget_decrease'),
    skipped: by((r) => r.status === 'skipped'),
    failed: by((r) => r.status === 'failed'),
  };
}

const actionTypes = { increase: 'budget_increase', decrease: 'budget_decrease', none: 'no_change' } as const;

const key = (customerId: string, campaignId: string) => `${customerId}/${campaignId}`;
