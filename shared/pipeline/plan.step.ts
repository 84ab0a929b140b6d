import { planSegments } from '../domain/planner.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { trackGapAlerts } from './gap-alerts.ts';
import { loadPlanInputs, savePlans } from './plan.repository.ts';
import { recordedStep } from './recorded-step.ts';
import { loadRunSettings } from './settings.repository.ts';
import type { StepInput } from './step-input.ts';

/**
 * Plan: a target from capacity (or an active override) and the gap, for every active segment;
 * then the gap alerts (a gap beyond the threshold for N days in a row).
 */
export function runPlanStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'plan', input, async () => {
    const settings = await loadRunSettings(runtime.db);
    const { recentDays } = settings.controller;
    const plans = planSegments(await loadPlanInputs(runtime.db, input.date, recentDays));
    await savePlans(runtime.db, input.date, plans);
    runtime.metrics.add('SegmentsPlanned', plans.length);
    for (const plan of plans) runtime.metrics.add('GapPercent', plan.leadGapPercentage);
    const alerts = await trackGapAlerts(runtime, input, settings.gapAlerts);
    return {
      segments_planned: plans.length,
      overrides_used: plans.filter((plan) => plan.targetSource === 'override').length,
      target_total: Math.round(plans.reduce((sum, plan) => sum + plan.targetLeadsPerDay, 0) * 100) / 100,
      actual_total: plans.reduce((sum, plan) => sum + plan.actualLeads, 0),
      segments_below_target: plans.filter((plan) => plan.leadGap > 0).length,
      ...alerts,
    };
  });
}
