import { z } from 'zod';
import type { Database } from '../shared/db/database.port.ts';
import { type ReasonParams, reasonCodes, renderReason } from '../shared/domain/decision-reason.ts';
import { formatTable } from './table.ts';

const euros = z.union([z.string(), z.number()]).transform(String).nullable();

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

export async function readRunReport(db: Database, date: string): Promise<RunReportRow[]> {
  return z.array(reportRowSchema).parse(await db.rpc('lfi_run_report', { p_date: date }));
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

export function formatRunReport(rows: readonly RunReportRow[]): string {
  const money = (value: string | null) => (value === null ? '—' : `€${Number(value).toFixed(2)}`);
  const table = rows.map((row) => {
    const decision = row.decision;
    const budget = decision
      ? `${money(decision.old_value)} → ${money(decision.new_value)}`
      : money(row.budget);
    const gap = `${row.lead_gap_percentage > 0 ? '+' : ''}${row.lead_gap_percentage.toFixed(1)}%`;
    return [
      row.code,
      row.capacity_total_leads.toFixed(1),
      `${row.target_leads_per_day}${row.target_source === 'override' ? '*' : ''}`,
      String(row.actual_leads),
      gap,
      budget,
      decision ? `${decision.status}: ${decisionText(decision)}` : '—',
    ];
  });
  return formatTable(
    ['segment', 'capacity', 'target', 'actual', 'gap %', 'budget old → new', 'action'],
    table,
    [1, 2, 3, 4],
  );
}
