import { describe, expect, it } from 'vitest';
import { resolveStepInput } from '../../../shared/pipeline/step-input.ts';
import { InputError } from '../../../shared/runtime/errors.ts';

const now = new Date('2026-11-25T00:30:00Z'); // 01:30 in Amsterdam: yesterday is the 24th

describe('nightly step input', () => {
  it('defaults a missing date to yesterday in the business time zone', () => {
    expect(resolveStepInput({}, now, 'Europe/Amsterdam')).toEqual({
      date: '2026-11-24',
      dryRun: false,
      windowDays: 7,
    });
  });

  it('passes on what earlier steps added', () => {
    const input = resolveStepInput(
      { date: '2026-03-29', dryRun: true, aggregate: { rows: 3 } },
      now,
      'Europe/Amsterdam',
    );
    expect(input).toEqual({ date: '2026-03-29', dryRun: true, windowDays: 7, aggregate: { rows: 3 } });
  });

  it.each([
    [{ date: '2026-02-30' }, 'date'],
    [{ date: '24-11-2026' }, 'date'],
    [{ dryRun: 'yes' }, 'dryRun'],
    [{ windowDays: 0 }, 'windowDays'],
    [{ windowDays: 2.5 }, 'windowDays'],
  ])('rejects %j with an error naming %s', (event, field) => {
    expect(() => resolveStepInput(event, now, 'Europe/Amsterdam')).toThrowError(InputError);
    expect(() => resolveStepInput(event, now, 'Europe/Amsterdam')).toThrowError(new RegExp(field));
  });
});
