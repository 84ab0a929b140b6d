import { z } from 'zod';
import type { CampaignDailyMetrics } from '../ads/ads-channel.port.ts';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import type { IsoDate } from '../domain/business-day.ts';

export interface AggregateWindowRequest {
  readonly from: IsoDate;
  readonly to: IsoDate;
  /** The business time zone whose calendar days the leads are bucketed by. */
  readonly timeZone: string;
  /** The ads channel's report for the window; stored (overwriting earlier fetches) before aggregating. */
  readonly metrics: readonly CampaignDailyMetrics[];
}

const count = z.number().int().nonnegative();

/** What one aggregate run did, as `public.lfi_aggregate_window` reports it (kept as the run's counts). */
export const aggregateCountsSchema = z.object({
  from: z.string(),
  to: z.string(),
  segments: count,
  days: count,
  rows_upserted: count,
  leads_counted: count,
  unsegmented_leads: count,
  ad_rows: count,
});
export type AggregateCounts = z.infer<typeof aggregateCountsSchema>;

const aggregate = sqlFunction(
  'lfi_aggregate_window',
  { p_from: 'date', p_to: 'date', p_time_zone: 'text', p_ad_metrics: 'jsonb' },
  aggregateCountsSchema,
);

/**
 * Stores the ads report and recomputes lead_generation_stats for every active segment and
 * business day of [from, to] in one database call (one set-based statement, whatever the number
 * of segments or leads).
 */
export async function aggregateWindow(
  db: Database,
  request: AggregateWindowRequest,
): Promise<AggregateCounts> {
  return aggregate.call(db, {
    p_from: request.from,
    p_to: request.to,
    p_time_zone: request.timeZone,
    p_ad_metrics: request.metrics,
  });
}

const refreshLate = sqlFunction(
  'lfi_refresh_late_statuses',
  { p_from: 'date', p_to: 'date', p_time_zone: 'text' },
  z.number().int().nonnegative(),
);

/**
 * Recounts the statuses and revenue of the days in [from, to] whose stats still count pending
 * leads (verdicts that came after the day left the trailing window), keeping the rest of each
 * row; returns the rows changed. One call; days with nothing pending are not read.
 */
export function refreshLateStatuses(
  db: Database,
  request: Pick<AggregateWindowRequest, 'from' | 'to' | 'timeZone'>,
): Promise<number> {
  return refreshLate.call(db, { p_from: request.from, p_to: request.to, p_time_zone: request.timeZone });
}

const mapped = sqlFunction(
  'lfi_mapped_campaigns',
  { p_channel: 'text' },
  z.array(z.object({ customerId: z.string(), campaignId: z.string() })),
);

/** The Google Ads campaigns mapped to active segments, whose report the aggregate fetches. */
export function mappedCampaigns(db: Database) {
  return mapped.call(db, { p_channel: 'google_ads' });
}
