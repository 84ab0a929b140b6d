import { z } from 'zod';
import { planSegments, selectActiveOverride } from '../domain/planner.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { trackGapAlerts } from './gap-alerts.ts';
import { recordedStep } from './recorded-step.ts';
import { loadRunSettings } from './settings.repository.ts';
import type { StepInput } from './step-input.ts';

const decimal = z.union([z.number(), z.string()]);

const planInputSchema = z.object({
  segment_id: z.uuid(),
  is_active: z.boolean(),
  target_utilization: decimal,
  capacity_total_leads: decimal,
  actual_leads: z.number().int(),
  recent_leads: z.number().int(),
  overrides: z.array(
    z.object({
      id: z.uuid(),
      target_leads_per_day: z.number().int(),
      valid_from: z.string(),
      valid_to: z.string().nullable(),
      created_at: z.string(),
      cleared_at: z.string().nullable(),
    }),
  ),
});

/**
 * Plan: a target from capacity (or an active override) and the gap, for every active segment;
 * then the gap alerts (a gap beyond the threshold for N days in a row).
 */
export function runPlanStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'plan', input, async () => {
    const settings = await loadRunSettings(runtime.db);
    const { recentDays } = settings.controller;
    const rows = z
      .array(planInputSchema)
      .parse(await runtime.db.rpc('lfi_plan_inputs', { p_date: input.date, p_recent_days: recentDays }));
    const plans = planSegments(
      rows.map((row) => {
        const override = selectActiveOverride(
          row.overrides.map((o) => ({
            id: o.id,
            targetLeadsPerDay: o.target_leads_per_day,
            validFrom: o.valid_from,
            validTo: o.valid_to,
            createdAt: o.created_at,
            clearedAt: o.cleared_at,
          })),
          input.date,
        );
        return {
          segmentId: row.segment_id,
          date: input.date,
          isActive: row.is_active,
          capacityTotalLeads: row.capacity_total_leads,
          targetUtilization: row.target_utilization,
          actualLeads: row.actual_leads,
          recentLeads: row.recent_leads,
          recentDays,
          override: override ?? null,
        };
      }),
    );
    await runtime.db.rpc('lfi_save_plans', { p_date: input.date, p_plans: plans });
    runtime.metrics.add('SegmentsPlanned', plans.length);
    for (const plan of plans) runtime.metrics.add('GapPercent', plan.lead_gap_percentage);
    const alerts = await trackGapAlerts(runtime, input, settings.gapAlerts);
    return {
      segments_planned: plans.length,
      overrides_used: plans.filter((plan) => plan.target_source === 'override').length,
      target_total: Math.round(plans.reduce((sum, plan) => sum + plan.target_leads_per_day, 0) * 100) / 100,
      actual_total: plans.reduce((sum, plan) => sum + plan.actual_leads, 0),
      segments_below_target: plans.filter((plan) => plan.lead_gap > 0).length,
      ...alerts,
    };
  });
}
