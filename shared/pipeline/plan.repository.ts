import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import type { PlanInput, SegmentPlan } from '../domain/planner.ts';

const decimal = z.union([z.number(), z.string()]);

const planInputSchema = z.object({
  segment_id: z.uuid(),
  is_active: z.boolean(),
  target_utilization: decimal,
  capacity_total_leads: decimal,
  actual_leads: z.number().int(),
  recent_leads: z.number().int(),
  /** The override in force on the date (the rule is lfi_override_in_force's), or null. */
  override: z.object({ id: z.uuid(), target_leads_per_day: z.number().int() }).nullable(),
});

const planInputs = sqlFunction(
  'lfi_plan_inputs',
  { p_date: 'date', p_recent_days: 'integer' },
  z.array(planInputSchema),
);
const savePlansFn = sqlFunction('lfi_save_plans', { p_date: 'date', p_plans: 'jsonb' }, z.unknown());

/** Every segment's planning inputs for a date, with the override in force on it (if any). */
export async function loadPlanInputs(db: Database, date: string, recentDays: number): Promise<PlanInput[]> {
  const rows = await planInputs.call(db, { p_date: date, p_recent_days: recentDays });
  return rows.map((row) => ({
    segmentId: row.segment_id,
    date,
    isActive: row.is_active,
    capacityTotalLeads: row.capacity_total_leads,
    targetUtilization: row.target_utilization,
    actualLeads: row.actual_leads,
    recentLeads: row.recent_leads,
    recentDays,
    override: row.override && { id: row.override.id, targetLeadsPerDay: row.override.target_leads_per_day },
  }));
}

/** Stores the date's plans (one `lead_segment_plans` row per segment, replacing earlier ones of the date). */
export async function savePlans(db: Database, date: string, plans: readonly SegmentPlan[]): Promise<void> {
  await savePlansFn.call(db, {
    p_date: date,
    p_plans: plans.map((plan) => ({
      segment_id: plan.segmentId,
      capacity_total_leads: plan.capacityTotalLeads,
      target_utilization: plan.targetUtilization,
      target_leads_per_day: plan.targetLeadsPerDay,
      target_source: plan.targetSource,
      override_id: plan.overrideId,
      actual_leads: plan.actualLeads,
      recent_leads_per_day: plan.recentLeadsPerDay,
      lead_gap: plan.leadGap,
      lead_gap_percentage: plan.leadGapPercentage,
    })),
  });
}
