import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDayOf,
  dateRange,
  dayStartUtc,
  daysBetween,
  isIsoDate,
  isoDateSchema,
  trailingWindow,
  yesterday,
} from '../../../shared/domain/business-day.ts';

const HOUR = 3_600_000;

describe('businessDayOf', () => {
  it('puts the last second before Amsterdam midnight on the old day and midnight on the new one (winter)', () => {
    expect(businessDayOf(new Date('2026-11-24T22:59:59Z'))).toBe('2026-11-24');
    expect(businessDayOf(new Date('2026-11-24T23:00:00Z'))).toBe('2026-11-25');
    expect(businessDayOf(new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-25');
  });

  it('uses the summer offset in summer', () => {
    expect(businessDayOf(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
    expect(businessDayOf(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });

  it('follows the time zone it is given', () => {
    expect(businessDayOf(new Date('2026-11-24T23:30:00Z'), 'UTC')).toBe('2026-11-24');
    expect(businessDayOf(new Date('2026-11-24T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-25');
  });

  it('rejects an unknown time zone', () => {
    expect(() => businessDayOf(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('yesterday', () => {
  it('is the business day before the one now falls on', () => {
    expect(yesterday(new Date('2026-11-25T00:00:00Z'))).toBe('2026-11-24');
    expect(yesterday(new Date('2026-11-24T22:59:59Z'))).toBe('2026-11-23');
    expect(yesterday(new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31');
  });
});

describe('dayStartUtc on DST days', () => {
  it('gives 2026-03-29 (clocks forward) 23 hours', () => {
    expect(dayStartUtc('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayStartUtc('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(dayStartUtc('2026-03-30').getTime() - dayStartUtc('2026-03-29').getTime()).toBe(23 * HOUR);
  });

  it('gives 2026-10-25 (clocks back) 25 hours', () => {
    expect(dayStartUtc('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(dayStartUtc('2026-10-26').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(dayStartUtc('2026-10-26').getTime() - dayStartUtc('2026-10-25').getTime()).toBe(25 * HOUR);
  });

  it('starts the day at the transition in a zone that skips local midnight', () => {
    // Chile moves its clocks from 00:00 to 01:00 on 2026-09-06: the day starts at 01:00 −03:00.
    expect(dayStartUtc('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('bounds every instant by the start of its day and of the next day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom('Europe/Amsterdam', 'America/New_York', 'Australia/Lord_Howe', 'UTC'),
        (instant, zone) => {
          const day = businessDayOf(new Date(instant), zone);
          expect(dayStartUtc(day, zone).getTime()).toBeLessThanOrEqual(instant);
          expect(dayStartUtc(addDays(day, 1), zone).getTime()).toBeGreaterThan(instant);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('calendar arithmetic', () => {
  it('rejects impossible dates', () => {
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(isIsoDate('2026-02-28T00:00:00Z')).toBe(false);
    expect(isIsoDate(20260228)).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isoDateSchema.safeParse('2026-04-31').success).toBe(false);
    expect(isoDateSchema.parse('2026-04-30')).toBe('2026-04-30');
  });

  it('adds days across month, year and DST boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-02-01', 0.5)).toThrow(RangeError);
  });

  it('lists a range with both ends included, and nothing when it is reversed', () => {
    expect(dateRange('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(dateRange('2026-03-02', '2026-03-02')).toEqual(['2026-03-02']);
    expect(dateRange('2026-03-03', '2026-03-02')).toEqual([]);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('gives a trailing window of exactly `days` dates ending at the end date', () => {
    expect(trailingWindow('2026-11-24', 7)).toEqual({ from: '2026-11-18', to: '2026-11-24' });
    expect(trailingWindow('2026-11-24', 1)).toEqual({ from: '2026-11-24', to: '2026-11-24' });
    expect(dateRange('2026-11-11', '2026-11-24')).toHaveLength(14);
    expect(trailingWindow('2026-11-24', 14).from).toBe('2026-11-11');
    expect(() => trailingWindow('2026-11-24', 0)).toThrow(RangeError);
  });
});
