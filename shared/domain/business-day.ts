import { z } from 'zod';

/**
 * A business day is a calendar day in the business time zone (Europe/Amsterdam unless
 * configured), written 'YYYY-MM-DD'. Only Intl is used for zone rules, so DST days come out with
 * 23 or 25 hours as they should. Time always comes in as a parameter; nothing here reads a clock.
 */
export type IsoDate = string;

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date in 'YYYY-MM-DD' form; '2026-02-30' is not one. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

/** For the edges (API query strings, Step Functions input): a 'YYYY-MM-DD' that is a real date. */
export const isoDateSchema = z
  .string()
  .refine(isIsoDate, { message: 'must be a real date written YYYY-MM-DD' });

/** The business day an instant falls on: 2026-11-24T23:30Z is 2026-11-25 in Amsterdam. */
export function businessDayOf(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): IsoDate {
  const parts = localParts(instant.getTime(), timeZone);
  return formatDate(parts.year, parts.month, parts.day);
}

/** The business day before the one `now` falls on: the date a nightly run processes by default. */
export function yesterday(now: Date, timeZone: string = DEFAULT_TIME_ZONE): IsoDate {
  return addDays(businessDayOf(now, timeZone), -1);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays needs a whole number of days, got ${days}.`);
  const shifted = new Date(utcMidnight(date) + days * DAY_MS);
  return formatDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function dateRange(from: IsoDate, to: IsoDate): IsoDate[] {
  const count = daysBetween(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

/** The `days` dates ending at `endDate`, inclusive: a 7-day window ending 11-24 starts 11-18. */
export function trailingWindow(endDate: IsoDate, days: number): { from: IsoDate; to: IsoDate } {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`A window needs at least 1 day, got ${days}.`);
  return { from: addDays(endDate, -(days - 1)), to: assertIsoDate(endDate) };
}

/**
 * The UTC instant at which the local day `date` starts in `timeZone`: 2026-03-29 starts at
 * 2026-03-28T23:00Z in Amsterdam and 2026-03-30 at 2026-03-29T22:00Z (a 23-hour day).
 * A day's leads are those with dayStartUtc(date) ≤ created_at < dayStartUtc(addDays(date, 1)).
 */
export function dayStartUtc(date: IsoDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const midnightAsUtc = utcMidnight(date);
  // Local midnight is UTC midnight minus the zone's offset; two rounds settle the offset when
  // the guess lands on the other side of a DST change.
  let start = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  start = midnightAsUtc - offsetMs(start, timeZone);
  if (startsDay(start, date, timeZone)) return new Date(start);
  // Zones that skip local midnight on a DST day start the day at the transition: search for it.
  let low = midnightAsUtc - 2 * DAY_MS;
  let high = midnightAsUtc + 2 * DAY_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (businessDayOf(new Date(middle), timeZone) >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}

function startsDay(instant: number, date: IsoDate, timeZone: string): boolean {
  return (
    businessDayOf(new Date(instant), timeZone) === date &&
    businessDayOf(new Date(instant - 1), timeZone) < date
  );
}

function assertIsoDate(date: IsoDate): IsoDate {
  if (!isIsoDate(date)) throw new RangeError(`Not a date written YYYY-MM-DD: '${date}'.`);
  return date;
}

function utcMidnight(date: IsoDate): number {
  const [year, month, day] = assertIsoDate(date).split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1);
}

function formatDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** How far local wall-clock time is ahead of UTC at `instant` (+1h in an Amsterdam winter). */
function offsetMs(instant: number, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const wallClockAsUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  return wallClockAsUtc - Math.floor(instant / 1000) * 1000;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: number, timeZone: string): LocalParts {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError naming the zone when it is not an IANA time zone.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const values: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) values[part.type] = part.value;
  return {
    year: Number(values.year),
    month: Number(values.month),
    day: Number(values.day),
    hour: Number(values.hour),
    minute: Number(values.minute),
    second: Number(values.second),
  };
}

/** Whether `zone` is an IANA time zone this runtime knows, such as Europe/Amsterdam. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
