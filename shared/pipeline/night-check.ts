import { yesterday } from '../domain/business-day.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { nightStatus } from './night-check.repository.ts';

export interface NightCheck {
  readonly date: string;
  readonly succeeded: boolean;
  /** The alert sent, when the night had not succeeded. */
  readonly alerted: string | null;
}

/**
 * The morning check (scheduled at lfi:missingRunHour business time): has the night of yesterday
 * succeeded? If not, one alert says so, how far the night got, and where to look. A missing run
 * is what no failure alarm can see: the schedule disabled, the start throttled away, the account
 * out of Step Functions quota.
 */
export async function checkNight(runtime: Runtime): Promise<NightCheck> {
  const { LFI_TIME_ZONE: timeZone, LFI_DASHBOARD_URL: dashboardUrl } = runtime.config;
  const now = runtime.clock.now();
  const date = yesterday(now, timeZone);
  const status = await nightStatus(runtime.db, date);
  // The alarm on this metric also fires when the check itself did not run.
  runtime.metrics.add('NightSucceeded', status.succeeded ? 1 : 0);
  runtime.metrics.publish();
  if (status.succeeded) return { date, succeeded: true, alerted: null };
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(now);
  const got = status.steps.length
    ? `its latest runs: ${status.steps.map((s) => `${s.step} ${s.status}`).join(', ')}`
    : 'no step of it ran';
  const explanation = `No succeeded nightly run for ${date} by ${time} ${timeZone} (${got}). Start it from the Step Functions console with {"date": "${date}"}.`;
  await runtime.alerts.publish({
    kind: 'missing_run',
    subject: `LFI nightly run missing (${date})`,
    explanation,
    link: new URL('#/status', dashboardUrl).toString(),
  });
  runtime.logger.warn('nightly run missing', { date, steps: status.steps });
  return { date, succeeded: false, alerted: explanation };
}
