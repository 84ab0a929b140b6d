import { z } from 'zod';
import type { CampaignBudget } from '../ads/ads-channel.port.ts';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import type { BudgetDecision, BudgetSegmentInput } from '../domain/budget-controller.ts';
import { type DecisionReasonData, renderReason } from '../domain/decision-reason.ts';
import { eurosFromMicros, type Micros, microsFromEuros } from '../domain/money.ts';
import type { Reconciled, RecordedDecision } from '../domain/orchestration-rules.ts';
import type { BudgetPart } from './budget-changes.ts';

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
      clicks: z.number().int(),
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
      clicks: day.clicks,
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

/** One campaign budget a decision changes (or would change), as `lfi_budget_changes` keeps it. */
export interface BudgetChangeRow {
  readonly customer_id: string;
  readonly campaign_id: string;
  readonly budget_id: string;
  readonly old_value: string;
  readonly new_value: string;
  readonly error_message: string | null;
}

/**
 * One row of channel_orchestration_log as lfi_record_decisions takes it, with the campaign
 * budgets it changes (none for a decision that sends nothing; a settled claim keeps its own).
 */
export interface LogRow {
  readonly segment_id: string;
  readonly plan_id: string | null;
  readonly channel: string;
  /** The segment's account and campaign when it has one campaign; its budgets are in `changes`. */
  readonly customer_id: string | null;
  readonly campaign_id: string | null;
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
  readonly changes: readonly BudgetChangeRow[];
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
  /** The campaign budgets the decision sends (or would send), each with its error once sent. */
  readonly parts?: readonly (BudgetPart & { readonly error?: string | null })[];
};

export function logRow(entry: LogEntry): LogRow {
  const { oldMicros, newMicros } = entry;
  const only = entry.campaigns.length === 1 ? entry.campaigns[0] : undefined;
  return {
    segment_id: entry.segmentId,
    plan_id: entry.planId,
    channel,
    customer_id: only?.customer_id ?? null,
    campaign_id: only?.campaign_id ?? null,
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
    changes: (entry.parts ?? []).map((part) => ({
      customer_id: part.change.customerId,
      campaign_id: part.change.campaignId,
      budget_id: part.change.budgetId,
      old_value: eurosFromMicros(part.oldAmountMicros),
      new_value: eurosFromMicros(part.change.newAmountMicros),
      error_message: part.error ?? null,
    })),
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

/**
 * A controller decision's row; a claimed one (`applying`) carries how it settles when it lands.
 * `sent`: the campaign budgets it changes, each with its error once sent, and their errors in a line.
 */
export function decisionLogRow(
  row: SegmentRow,
  decision: BudgetDecision,
  status: LogStatus,
  sent: { readonly parts?: LogEntry['parts']; readonly error?: string | null } = {},
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
    parts: sent.parts,
    errorMessage: sent.error ?? null,
  });
}

export const settlesAs = (decision: BudgetDecision) =>
  decision.status === 'clamped' ? 'clamped' : 'applied';

/**
 * What a night that sends changes did, for the metrics: changes that landed (applied or clamped),
 * skipped and failed, and the euros of budget moved (the sum of each landed change's size).
 */
export function changeMetrics(rows: readonly LogRow[]) {
  const landed = rows.filter((r) => r.status === 'applied' || r.status === 'clamped');
  const movedMicros = landed.reduce(
    (sum, r) => sum + Math.abs(microsFromEuros(r.new_value) - microsFromEuros(r.old_value)),
    0,
  );
  return {
    ChangesApplied: landed.length,
    ChangesSkipped: rows.filter((r) => r.status === 'skipped').length,
    ChangesFailed: rows.filter((r) => r.status === 'failed').length,
    BudgetChangedEuros: movedMicros / 1_000_000,
  } as const;
}

export async function recordDecisions(
  db: Database,
  runId: string | null,
  date: string,
  rows: readonly LogRow[],
): Promise<void> {
  if (rows.length) await recordDecisionsFn.call(db, { p_run_id: runId, p_date: date, p_decisions: rows });
}
