import { type IsoDate, yesterday } from './business-day.ts';

/** No business ran on LFI before this; an earlier date is a typo, not history. */
export const earliestRunDate: IsoDate = '2000-01-01';

/**
 * Why `date` cannot be run at `now`, or null when it can: a run covers a complete business day,
 * so nothing after yesterday in the business time zone, and nothing before `earliestRunDate`.
 * `field` is the name the caller knows the date by (`--date`, `date`).
 */
export function runDateProblem(date: IsoDate, now: Date, timeZone: string, field: string): string | null {
  const latest = yesterday(now, timeZone);
  if (date > latest)
    return `${field} ${date} is after yesterday (${latest} in ${timeZone}): a run covers a complete business day.`;
  if (date < earliestRunDate)
    return `${field} ${date} is before ${earliestRunDate}, the earliest date LFI runs.`;
  return null;
}

/**
 * `live`: the run for the latest complete business day, the only one that changes live budgets.
 * `history`: an older date (a backfill, a re-run): it aggregates and plans, and logs what it would
 * have decided without sending it.
 */
export type RunMode = 'live' | 'history';

export function runModeFor(date: IsoDate, now: Date, timeZone: string): RunMode {
  return date === yesterday(now, timeZone) ? 'live' : 'history';
}
