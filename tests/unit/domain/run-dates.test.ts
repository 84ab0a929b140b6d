import { describe, expect, it } from 'vitest';
import { runDateProblem, runModeFor } from '../../../shared/domain/run-dates.ts';

const tz = 'Europe/Amsterdam';
// 00:30 on 25 November in Amsterdam: yesterday is the 24th there, though UTC still says the 24th.
const now = new Date('2026-11-24T23:30:00Z');

describe('runDateProblem', () => {
  it('accepts yesterday in the business time zone and any day back to 2000-01-01', () => {
    expect(runDateProblem('2026-11-24', now, tz, 'date')).toBeNull();
    expect(runDateProblem('2000-01-01', now, tz, 'date')).toBeNull();
  });

  it('refuses today and later, naming the field and the latest date allowed', () => {
    expect(runDateProblem('2026-11-25', now, tz, '--date')).toBe(
      '--date 2026-11-25 is after yesterday (2026-11-24 in Europe/Amsterdam): a run covers a complete business day.',
    );
    expect(runDateProblem('9999-12-31', now, tz, 'date')).toMatch(/^date 9999-12-31 is after yesterday/);
  });

  it('refuses a date before the floor', () => {
    expect(runDateProblem('1999-12-31', now, tz, '--from')).toBe(
      '--from 1999-12-31 is before 2000-01-01, the earliest date LFI runs.',
    );
  });
});

describe('runModeFor', () => {
  it('is live only for the latest complete business day', () => {
    expect(runModeFor('2026-11-24', now, tz)).toBe('live');
    expect(runModeFor('2026-11-23', now, tz)).toBe('history');
  });
});
