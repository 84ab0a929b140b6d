import { z } from 'zod';
import type { Database } from '../shared/db/database.port.ts';
import { sqlFunction } from '../shared/db/sql-function.ts';
import {
  type ReasonCode,
  type ReasonParams,
  reasonCodes,
  renderReason,
} from '../shared/domain/decision-reason.ts';
import { eurosFromMicros, formatEuros, microsFromEuros } from '../shared/domain/money.ts';
import { formatTable } from './table.ts';

/** Money as the API gives it: a string of euros with two decimals ("56.80", never 56.8 or "71"). */
const euros = z
  .union([z.string(), z.number()])
  .transform((amount) => eurosFromMicros(microsFromEuros(amount)))
  .nullable();

/** The CLI writes every amount one way: `€1,234.56`; a model's estimate of €100 or more in whole euros. */
const money = (amount: string | null) => (amount === null ? '—' : formatEuros(microsFromEuros(amount)));

const reportRowSchema = z.object({
  segment_id: z.uuid(),
  code: z.string(),
  capacity_total_leads: z.union([z.string(), z.number()]).transform(Number),
  target_leads_per_day: z.union([z.string(), z.number()]).transform(Number),
  target_source: z.string(),
  actual_leads: z.number().int(),
  lead_gap: z.union([z.string(), z.number()]).transform(Number),
  lead_gap_percentage: z.union([z.string(), z.number()]).transform(Number),
  budget: euros,
  decision: z
    .object({
      action_type: z.string(),
      status: z.string(),
      old_value: euros,
      new_value: euros,
      explanation: z.string(),
      reason_code: z.enum(reasonCodes).nullable().catch(null),
      reason_params: z.record(z.string(), z.unknown()).nullable().catch(null),
      error_message: z.string().nullable(),
    })
    .nullable(),
});

/** A decision's reason in English, from its code and parameters (rows from before them: the stored line). */
export function decisionText(decision: NonNullable<RunReportRow['decision']>): string {
  if (decision.error_message) return decision.error_message;
  if (!decision.reason_code) return decision.explanation;
  return renderReason({ code: decision.reason_code, params: (decision.reason_params ?? {}) as ReasonParams });
}

export type RunReportRow = z.infer<typeof reportRowSchema>;

const runReport = sqlFunction(
  'lfi_run_report',
  { p_date: 'date', p_channel: 'text' },
  z.array(reportRowSchema),
);

export async function readRunReport(db: Database, date: string): Promise<RunReportRow[]> {
  return runReport.call(db, { p_date: date, p_channel: 'google_ads' });
}

export interface RunSummary {
  readonly segments: number;
  readonly target: number;
  readonly actual: number;
  readonly decisions: Record<string, number>;
}

export function summarise(rows: readonly RunReportRow[]): RunSummary {
  const decisions: Record<string, number> = {};
  for (const row of rows) {
    const key = row.decision ? `${row.decision.status}` : 'none';
    decisions[key] = (decisions[key] ?? 0) + 1;
  }
  return {
    segments: rows.length,
    target: Math.round(rows.reduce((sum, row) => sum + row.target_leads_per_day, 0) * 100) / 100,
    actual: rows.reduce((sum, row) => sum + row.actual_leads, 0),
    decisions,
  };
}

/** The widest a line of the run table gets: the reason is cut to fit (all of it is in --json). */
export const tableWidth = 120;

export function formatRunReport(rows: readonly RunReportRow[]): string {
  const cells = rows.map((row) => {
    const decision = row.decision;
    // An unchanged budget is one amount; a change reads old → new.
    const budget =
      decision && decision.old_value !== decision.new_value
        ? `${money(decision.old_value)} → ${money(decision.new_value)}`
        : money(decision?.old_value ?? row.budget);
    const gap = `${row.lead_gap_percentage > 0 ? '+' : ''}${Math.round(row.lead_gap_percentage)}%`;
    return [
      row.code,
      row.capacity_total_leads.toFixed(1),
      `${row.target_leads_per_day}${row.target_source === 'override' ? '*' : ''}`,
      String(row.actual_leads),
      gap,
      budget,
      // The reason starts with what happened (−20%, no change …); a failed change says so first.
      decision ? `${decision.status === 'failed' ? 'FAILED: ' : ''}${decisionText(decision)}` : '—',
    ];
  });
  const header = [
    'segment',
    'capacity',
    'target',
    'actual',
    'gap %',
    'budget old → new',
    'decision and reason',
  ];
  const before = header
    .slice(0, -1)
    .map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const room = Math.max(20, tableWidth - before.reduce((sum, w) => sum + w + 2, 0));
  const fitted = cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cut(cell, room) : cell)));
  return formatTable(header, fitted, [1, 2, 3, 4]);
}

const cut = (text: string, width: number) =>
  [...text].length <= width ? text : `${[...text].slice(0, width - 1).join('')}…`;

/** What a night's decisions did, by outcome: budgets lowered, raised, left alone (and why), failed. */
export function describeDecisions(rows: readonly RunReportRow[]): string {
  const decided = rows.map((row) => row.decision);
  const moved = (type: string) =>
    decided.filter((d) => d?.action_type === type && d.status !== 'failed' && d.status !== 'skipped').length;
  const lowered = moved('budget_decrease');
  const raised = moved('budget_increase');
  const failed = decided.filter((d) => d?.status === 'failed').length;
  const alone = decided.filter(
    (d) => !d || (d.status !== 'failed' && (d.action_type === 'no_change' || d.status === 'skipped')),
  );
  const why = new Map<string, number>();
  for (const d of alone) {
    const label = d?.reason_code ? leftAloneBecause[d.reason_code] : 'no decision';
    why.set(label, (why.get(label) ?? 0) + 1);
  }
  const reasons = [...why.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${n} ${label}`)
    .join(', ');
  const parts = [
    `${lowered} budget${lowered === 1 ? '' : 's'} lowered`,
    `${raised} raised`,
    `${alone.length} left alone${reasons ? `: ${reasons}` : ''}`,
  ];
  if (failed > 0) parts.push(`${failed} failed`);
  return `${parts.join(', ')}.`;
}

/** Why a budget was left alone, in a few words (the full reason is in the table). */
const leftAloneBecause: Record<ReasonCode, string> = {
  kill_switch: 'kill switch on',
  paused: 'paused',
  campaign_without_budget: 'campaign without a budget',
  foreign_currency: 'foreign currency',
  shared_budget: 'shared budget',
  changed_outside: 'changed outside LFI',
  max_changes_per_run: 'over the changes per run',
  account_cap: 'at the account cap',
  zero_budget_start: 'not started',
  zero_capacity: 'no partner capacity',
  min_budget: 'at the minimum budget',
  max_budget: 'at the maximum budget',
  max_daily_change: 'at the daily change limit',
  below_min_change: 'change too small',
  no_data: 'no data',
  no_cost_data: 'no ad cost data',
  not_budget_limited: 'budget not limiting',
  max_marginal_cost: 'at the economic limit',
  within_margin: "within the model's margin",
  no_model: 'no model yet',
  model: 'as the model says',
  plan_rule: 'by the plan rule',
};
