import { describe, expect, it } from 'vitest';
import { defaultGuardrailSettings } from '../../../shared/domain/guardrails.ts';
import { type NightChange, planRestores } from '../../../shared/domain/restore-rules.ts';

const change = (overrides: Partial<NightChange> = {}): NightChange => ({
  segmentId: 's1',
  code: 'schilder-utrecht',
  paused: false,
  beforeMicros: 100_000_000,
  setMicros: 80_000_000,
  currentMicros: 80_000_000,
  ...overrides,
});

describe('planRestores', () => {
  it('puts a budget the night changed back to its value before, even past the ±20% step', () => {
    const [plan] = planRestores('2026-11-24', [change()], defaultGuardrailSettings);
    expect(plan).toMatchObject({
      kind: 'restore',
      oldMicros: 80_000_000,
      newMicros: 100_000_000,
      clamped: false,
    });
    expect(plan?.explanation).toBe('restored: the budget before 2026-11-24 was €100.00');
  });

  it('skips a budget changed since the night, naming both amounts', () => {
    const [plan] = planRestores(
      '2026-11-24',
      [change({ currentMicros: 90_000_000 })],
      defaultGuardrailSettings,
    );
    expect(plan).toEqual({
      segmentId: 's1',
      code: 'schilder-utrecht',
      kind: 'skip',
      explanation: 'not restored: changed since 2026-11-24 (the night set €80.00, now €90.00)',
    });
  });

  it('skips a budget already restored, a paused segment, and everything with the kill switch on', () => {
    expect(
      planRestores('2026-11-24', [change({ currentMicros: 100_000_000 })], defaultGuardrailSettings)[0],
    ).toMatchObject({ kind: 'skip', explanation: expect.stringMatching(/already is €100\.00/) });
    expect(planRestores('2026-11-24', [change({ paused: true })], defaultGuardrailSettings)[0]).toMatchObject(
      {
        kind: 'skip',
        explanation: expect.stringMatching(/paused/),
      },
    );
    expect(
      planRestores('2026-11-24', [change()], { ...defaultGuardrailSettings, killSwitch: true })[0],
    ).toMatchObject({ kind: 'skip', explanation: expect.stringMatching(/kill switch/) });
  });

  it('keeps a restored budget inside the budget range', () => {
    const settings = { ...defaultGuardrailSettings, maxBudgetMicros: 90_000_000 };
    expect(planRestores('2026-11-24', [change()], settings)[0]).toMatchObject({
      kind: 'restore',
      newMicros: 90_000_000,
      clamped: true,
    });
  });
});
