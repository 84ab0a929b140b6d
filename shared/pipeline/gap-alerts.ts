import { type GapAlertSettings, trackGapEpisodes } from '../domain/gap-alerts.ts';
import { runModeFor } from '../domain/run-dates.ts';
import type { Runtime } from '../runtime/runtime.ts';
import {
  loadGapHistories,
  markGapAlertsSent,
  type PendingGapAlert,
  pendingGapAlerts,
  recordGapEpisodes,
} from './gap-alerts.repository.ts';
import type { StepInput } from './step-input.ts';

/** The dashboard page of a segment, for an alert's link. */
export const segmentLink = (dashboardUrl: string, segmentId: string): string =>
  new URL(`#/segment/${segmentId}`, dashboardUrl).toString();

/**
 * After the plans are saved: opens, continues and closes each segment's gap episode (load →
 * decide → record), then sends the alert of every open episode not alerted yet. Only the run for
 * the latest business day, not a dry run, sends: a backfill records episodes without paging
 * anyone, and an episode still open when the nightly run comes is alerted then. A failed
 * publish stays unsent and is tried again by the next run.
 */
export async function trackGapAlerts(runtime: Runtime, input: StepInput, gapAlerts: GapAlertSettings) {
  const histories = await loadGapHistories(runtime.db, input.date, gapAlerts.days);
  const changes = trackGapEpisodes(input.date, histories, gapAlerts);
  const recorded = await recordGapEpisodes(runtime.db, input.date, gapAlerts, changes);
  const sends =
    !input.dryRun && runModeFor(input.date, runtime.clock.now(), runtime.config.LFI_TIME_ZONE) === 'live';
  const sent: PendingGapAlert[] = [];
  let unsent = 0;
  if (sends)
    for (const episode of await pendingGapAlerts(runtime.db)) {
      try {
        await runtime.alerts.publish({
          kind: 'gap_episode',
          subject: `LFI gap alert: ${episode.code} since ${episode.raised_on}`,
          explanation: episode.explanation,
          link: segmentLink(runtime.config.LFI_DASHBOARD_URL, episode.segment_id),
        });
        sent.push(episode);
      } catch (error) {
        unsent += 1;
        runtime.logger.error('gap alert not sent (the next run tries again)', {
          date: input.date,
          segmentId: episode.segment_id,
          error,
        });
      }
    }
  await markGapAlertsSent(
    runtime.db,
    sent.map((episode) => episode.id),
  );
  return {
    gap_episodes_opened: recorded.opened,
    gap_episodes_closed: recorded.closed,
    gap_alerts_sent: sent.length,
    gap_alerts_unsent: unsent,
  };
}
