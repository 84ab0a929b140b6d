import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import type { IsoDate } from '../domain/business-day.ts';
import type { GapAlertSettings, GapEpisodeChange, SegmentGapHistory } from '../domain/gap-alerts.ts';

const decimal = z.union([z.number(), z.string()]).transform(Number);

const inputSchema = z.object({
  segment_id: z.uuid(),
  code: z.string(),
  plans: z
    .array(
      z.object({
        date: z.string(),
        gap_percentage: decimal,
        target_leads_per_day: decimal,
        lead_gap: decimal,
      }),
    )
    .nullable(),
  open: z.object({ id: z.uuid(), started_on: z.string(), peak_gap_percentage: decimal }).nullable(),
  latest_episode_day: z.string().nullable(),
});

const gapAlertInputs = sqlFunction(
  'lfi_gap_alert_inputs',
  { p_date: 'date', p_days: 'integer' },
  z.array(inputSchema),
);

/** Each active segment planned on `date`: its last `days` plans and its episodes' state. */
export async function loadGapHistories(
  db: Database,
  date: IsoDate,
  days: number,
): Promise<SegmentGapHistory[]> {
  const rows = await gapAlertInputs.call(db, { p_date: date, p_days: days });
  return rows.map((row) => ({
    segmentId: row.segment_id,
    code: row.code,
    plans: (row.plans ?? []).map((plan) => ({
      date: plan.date,
      gapPercentage: plan.gap_percentage,
      targetLeadsPerDay: plan.target_leads_per_day,
      leadGap: plan.lead_gap,
    })),
    open: row.open
      ? { id: row.open.id, startedOn: row.open.started_on, peakGapPercentage: row.open.peak_gap_percentage }
      : null,
    latestEpisodeDay: row.latest_episode_day,
  }));
}

const recordedSchema = z.object({ opened: z.number(), continued: z.number(), closed: z.number() });
const recordGapEpisodesFn = sqlFunction(
  'lfi_record_gap_episodes',
  { p_date: 'date', p_threshold_percentage: 'numeric', p_threshold_days: 'integer', p_changes: 'jsonb' },
  recordedSchema,
);

/** Stores one run's episode changes in one call. */
export async function recordGapEpisodes(
  db: Database,
  date: IsoDate,
  settings: GapAlertSettings,
  changes: readonly GapEpisodeChange[],
): Promise<z.infer<typeof recordedSchema>> {
  return recordGapEpisodesFn.call(db, {
    p_date: date,
    p_threshold_percentage: settings.gapPercent,
    p_threshold_days: settings.days,
    p_changes: changes.map((change) => ({
      kind: change.kind,
      id: change.kind === 'open' ? null : change.id,
      segment_id: change.segmentId,
      started_on: change.kind === 'open' ? change.startedOn : null,
      gap_percentage: change.gapPercentage,
      peak_gap_percentage: change.kind === 'close' ? null : change.peakGapPercentage,
      explanation: change.kind === 'continue' ? null : change.explanation,
    })),
  });
}

const pendingSchema = z.object({
  id: z.uuid(),
  segment_id: z.uuid(),
  code: z.string(),
  name: z.string(),
  raised_on: z.string(),
  explanation: z.string(),
});
export type PendingGapAlert = z.infer<typeof pendingSchema>;
const gapAlertsPending = sqlFunction('lfi_gap_alerts_pending', {}, z.array(pendingSchema));
const gapAlertsSent = sqlFunction('lfi_gap_alerts_sent', { p_ids: 'jsonb' }, z.null());

/** Open episodes whose alert has not gone out yet. */
export async function pendingGapAlerts(db: Database): Promise<PendingGapAlert[]> {
  return gapAlertsPending.call(db, {});
}

export async function markGapAlertsSent(db: Database, ids: readonly string[]): Promise<void> {
  if (ids.length) await gapAlertsSent.call(db, { p_ids: ids });
}
