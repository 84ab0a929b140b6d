import { trailingWindow } from '../domain/business-day.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { aggregateWindow, mappedCampaigns } from './aggregate.repository.ts';
import { recordedStep } from './recorded-step.ts';
import type { StepInput } from './step-input.ts';

/**
 * Aggregate: recompute the stats of the trailing window ending at the date (late statuses and
 * late ad cost are picked up): one ads report for all mapped campaigns, then one set-based SQL call.
 */
export function runAggregateStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'aggregate', input, async () => {
    const { from, to } = trailingWindow(input.date, input.windowDays);
    const campaigns = await mappedCampaigns(runtime.db);
    const metrics = campaigns.length ? await runtime.ads.dailyMetrics(campaigns, from, to) : [];
    return aggregateWindow(runtime.db, { from, to, timeZone: runtime.config.LFI_TIME_ZONE, metrics });
  });
}
