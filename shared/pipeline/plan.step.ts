import { planSegments } from '../domain/planner.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { loadPlanInputs, savePlans } from './plan.repository.ts';
import { recordedStep } from './recorded-step.ts';
import { loadControllerSettings } from './settings.repository.ts';
import type { StepInput } from './step-input.ts';

/** Plan: a target from capacity (or an active override) and the gap, for every active segment. */
export function runPlanStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'plan', input, async () => {
    const { recentDays } = await loadControllerSettings(runtime.db);
    const plans = planSegments(await loadPlanInputs(runtime.db, input.date, recentDays));
    await savePlans(runtime.db, input.date, plans);
    return {
      segments_planned: plans.length,
      overrides_used: plans.filter((plan) => plan.target_source === 'override').length,
      target_total: Math.round(plans.reduce((sum, plan) => sum + plan.target_leads_per_day, 0) * 100) / 100,
      actual_total: plans.reduce((sum, plan) => sum + plan.actual_leads, 0),
      segments_below_target: plans.filter((plan) => plan.lead_gap > 0).length,
    };
  });
}
