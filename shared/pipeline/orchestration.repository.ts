import { z } from 'zod';
import type { CampaignBudget } from '../ads/ads-channel.port.ts';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import type { BudgetDecision, BudgetSegmentInput } from '../domain/budget-controller.ts';
import { type DecisionReasonData, renderReason } from '../domain/decision-reason.ts';
import { eurosFromMicros, type Micros, microsFromEuros } from '../domain/money.ts';
import type { Reconciled, RecordedDecision } from '../domain/orchestration-rules.ts';

/**
 * Orchestrate's side of the database: `lfi_orchestration_inputs` (one document per run) and
 * `lfi_record_decisions` (one call per batch of decisions), parsed and mapped here.
 */
export const channel = 'google_ads';

const decimal = z.union([z.number(), z.string()]).transform(Number);
const euros = z.union([z.number(), z.string()]);

export const campaignsSchema = z.array(z.object({ customer_id: z.string(), campaign_id: z.string() }));

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
  campaigns: campaignsSchema.min(1),
  decision: z
    .object({
      status: z.string(),
      old_value: euros.nullable(),
      new_value: euros.nullable(),
      action_type: z.string(),
      explanation: z.string(),
      settles_as: z.enum(['applied', 'clamped']).nullable().optional(),
    })
    .nullable(),
  last_set_budget: euros.nullable(),
});
export type SegmentRow = z.infer<typeof segmentSchema>;

const orchestrationInputs = sqlFunction(
  'lfi_orchestration_inputs',
  { p_date: 'date', p_channel: 'text', p_lookback_days: 'integer' },
  z.array(segmentSchema),
);
const recordDecisionsFn = sqlFunction(
  'lfi_record_decisions',
  { p_run_id: 'uuid', p_date: 'date', p_decisions: 'jsonb' },
  z.unknown(),
);

export async function loadOrchestrationInputs(
  db: Database,
  date: string,
  lookbackDays: number,
): Promise<SegmentRow[]> {
  return orchestrationInputs.call(db, { p_date: date, p_channel: channel, p_lookback_days: lookbackDays });
}

export function recordedDecision(row: SegmentRow): RecordedDecision | null {
  const d = row.decision;
  if (!d) return null;
  return {
    status: d.status,
    oldMicros: d.old_value === null ? null : microsFromEuros(d.old_value),
    newMicros: d.new_value === null ? null : microsFromEuros(d.new_value),
    actionType: d.action_type,
    explanation: d.explanation,
    settlesAs: d.settles_as ?? null,
  };
}

/** A segment as the budget controller takes it. */
export function controllerInputOf(
  row: SegmentRow,
  now: { readonly currentMicros: Micros; readonly budgets: readonly CampaignBudget[] },
): BudgetSegmentInput {
  return {
    segmentId: row.segment_id,
    code: row.code,
    branch: row.branch,
    accountId: row.campaigns[0]?.customer_id ?? '',
    // The budgets in the order the change is split over them (budget-changes.ts): each account's
    // cap counts the part it owns.
    budgets: now.budgets.map((budget) => ({
      accountId: budget.customerId,
      currentMicros: budget.amountMicros,
    })),
    currentBudgetMicros: now.currentMicros,
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

export type LogStatus =
  | 'applying'
  | 'applied'
  | 'clamped'
  | 'adopted'
  | 'skipped'
  | 'failed'
  | 'dry_run'
  | 'not_sent'
  | 'restored'
  | 'restore_failed';

/** One row of channel_orchestration_log as lfi_record_decisions takes it. */
export interface LogRow {
  readonly segment_id: string;
  readonly plan_id: string | null;
  readonly channel: string;
  readonly customer_id: string;
  readonly campaign_id: string;
  readonly action_type: string;
  readonly old_value: string;
  readonly new_value: string;
  readonly status: LogStatus;
  readonly settles_as: 'applied' | 'clamped' | null;
  readonly explanation: string;
  /** Null when settling an earlier attempt's row, which keeps its reason. */
  readonly reason_code: string | null;
  readonly reason_params: DecisionReasonData['params'] | null;
  readonly error_message: string | null;
}

/**
 * What the log says and why: a reason as data (its English rendering is the explanation), or
 * only an explanation (an earlier attempt's row being settled keeps its reason; a restore).
 */
type LogReason =
  | { readonly reason: DecisionReasonData; readonly explanation?: string }
  | { readonly reason?: undefined; readonly explanation: string };

export type LogEntry = LogReason & {
  readonly segmentId: string;
  readonly planId: string | null;
  readonly campaigns: z.infer<typeof campaignsSchema>;
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  readonly status: LogStatus;
  readonly settlesAs?: 'applied' | 'clamped' | null;
  readonly errorMessage?: string | null;
  /** By default from the amounts; an adopted budget is `no_change` whatever it moved by. */
  readonly actionType?: string;
};

export function logRow(entry: LogEntry): LogRow {
  const { oldMicros, newMicros } = entry;
  return {
    segment_id: entry.segmentId,
    plan_id: entry.planId,
    channel,
    customer_id: entry.campaigns[0]?.customer_id ?? '',
    campaign_id: entry.campaigns.map((c) => c.campaign_id).join(','),
    action_type:
      entry.actionType ??
      (newMicros > oldMicros ? 'budget_increase' : newMicros < oldMicros ? 'budget_decrease' : 'no_change'),
    old_value: eurosFromMicros(oldMicros),
    new_value: eurosFromMicros(newMicros),
    status: entry.status,
    settles_as: entry.settlesAs ?? null,
    explanation:
      entry.reason === undefined ? entry.explanation : (entry.explanation ?? renderReason(entry.reason)),
    reason_code: entry.reason?.code ?? null,
    reason_params: entry.reason?.params ?? null,
    error_message: entry.errorMessage ?? null,
  };
}

/** A reconciled segment's log entry: skipped, an earlier change settled, or a hand edit adopted. */
export function reconciledEntry(
  found: Exclude<Reconciled, { kind: 'decide' }>,
  current: Omit<LogEntry, 'status' | 'reason' | 'explanation'>,
): LogEntry {
  switch (found.kind) {
    case 'skip':
      return { ...current, status: 'skipped', reason: found.reason };
    case 'settle':
      return { ...current, ...found };
    case 'adopt':
      return {
        ...current,
        oldMicros: found.lastSetMicros,
        status: 'adopted',
        actionType: 'no_change',
        reason: found.reason,
      };
  }
}

/** A controller decision's row; a claimed one (`applying`) carries how it settles when it lands. */
export function decisionLogRow(
  row: SegmentRow,
  decision: BudgetDecision,
  status: LogStatus,
  errorMessage: string | null = null,
): LogRow {
  return logRow({
    segmentId: row.segment_id,
    planId: row.plan_id,
    campaigns: row.campaigns,
    oldMicros: decision.oldMicros,
    newMicros: decision.newMicros,
    status,
    settlesAs: status === 'applying' ? settlesAs(decision) : null,
    reason: decision.reason,
    explanation: decision.explanation,
    errorMessage,
  });
}

export const settlesAs = (decision: BudgetDecision) =>
  decision.status === 'clamped' ? 'clamped' : 'applied';

export async function recordDecisions(
  db: Database,
  runId: string | null,
  date: string,
  rows: readonly LogRow[],
): Promise<void> {
  if (rows.length) await recordDecisionsFn.call(db, { p_run_id: runId, p_date: date, p_decisions: rows });
}
