import { MAX_LOOKBACK_DAYS } from '../domain/budget-controller.ts';
import { addDays, trailingWindow } from '../domain/business-day.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { aggregateWindow, mappedCampaigns, refreshLateStatuses } from './aggregate.repository.ts';
import { recordedStep } from './recorded-step.ts';
import type { StepInput } from './step-input.ts';

/**
 * Aggregate: recompute the stats of the trailing window ending at the date (late statuses and
 * late ad cost are picked up): one ads report for all mapped campaigns, then one set-based SQL call.
 * Before the window, as far back as a controller reads, the days that still count pending leads
 * get the verdicts that came since (one more call).
 */
export function runAggregateStep(runtime: Runtime, input: StepInput): Promise<StepInput> {
  return recordedStep(runtime, 'aggregate', input, async () => {
    const { from, to } = trailingWindow(input.date, input.windowDays);
    const campaigns = await mappedCampaigns(runtime.db);
    const metrics = campaigns.length ? await runtime.ads.dailyMetrics(campaigns, from, to) : [];
    const counts = await aggregateWindow(runtime.db, {
      from,
      to,
      timeZone: runtime.config.LFI_TIME_ZONE,
      metrics,
    });
    const lateStatusRows = await refreshLateStatuses(runtime.db, {
      from: addDays(from, -MAX_LOOKBACK_DAYS),
      to: addDays(from, -1),
      timeZone: runtime.config.LFI_TIME_ZONE,
    });
    runtime.metrics.add('UnsegmentedLeads', counts.unsegmented_leads);
    return { ...counts, late_status_rows: lateStatusRows };
  });
}
