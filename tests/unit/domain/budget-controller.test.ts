import { describe, expect, it } from 'vitest';
import {
  type BudgetSegmentInput,
  decideBudgets,
  desiredBudget,
  estimateCpls,
} from '../../../shared/domain/budget-controller.ts';
import { defaultGuardrailSettings, guardrailSettingsSchema } from '../../../shared/domain/guardrails.ts';

const EURO = 1_000_000;

/** A segment with enough data for a measured CPL of €25.00 that is on target. */
function segment(overrides: Partial<BudgetSegmentInput> & { segmentId: string }): BudgetSegmentInput {
  return {
    branch: 'schilder',
    accountId: '1111111111',
    currentBudgetMicros: 100 * EURO,
    targetLeadsPerDay: 18,
    recentLeadsPerDay: 18,
    trailingSpendMicros: 500 * EURO,
    trailingLeads: 20,
    capacityTotalLeads: 25,
    isPaused: false,
    ...overrides,
  };
}

function decideOne(input: BudgetSegmentInput, settings = defaultGuardrailSettings) {
  const [decision] = decideBudgets([input], settings);
  if (!decision) throw new Error('expected one decision');
  return decision;
}

describe('CPL estimate', () => {
  it('measures spend ÷ leads when the lookback holds enough leads and spend', () => {
    const cpls = estimateCpls(
      [segment({ segmentId: 'a', trailingSpendMicros: 327_600_000, trailingLeads: 14 })],
      defaultGuardrailSettings,
    );
    expect(cpls.get('a')).toEqual({ micros: 23_400_000, source: 'measured' });
  });

  it('falls back when leads or spend are below the thresholds in the settings', () => {
    const fewLeads = segment({ segmentId: 'few-leads', trailingLeads: 9 });
    const littleSpend = segment({
      segmentId: 'little-spend',
      trailingSpendMicros: 49_990_000,
      trailingLeads: 10,
    });
    const cpls = estimateCpls([fewLeads, littleSpend], defaultGuardrailSettings);
    expect(cpls.get('few-leads')?.source).toBe('default');
    expect(cpls.get('little-spend')?.source).toBe('default');

    const lenient = guardrailSettingsSchema.parse({ cplMinLeads: 5, cplMinSpendMicros: 10 * EURO });
    expect(estimateCpls([fewLeads], lenient).get('few-leads')).toEqual({
      micros: 55_555_556,
      source: 'measured',
    });
  });

  it('prefers the branch median, then the median of all segments, then the configured default', () => {
    const segments = [
      segment({
        segmentId: 'painter-a',
        branch: 'schilder',
        trailingSpendMicros: 182 * EURO,
        trailingLeads: 10,
      }),
      segment({
        segmentId: 'painter-b',
        branch: 'schilder',
        trailingSpendMicros: 200 * EURO,
        trailingLeads: 10,
      }),
      segment({ segmentId: 'painter-new', branch: 'schilder', trailingLeads: 2 }),
      segment({
        segmentId: 'roofer-a',
        branch: 'dakdekker',
        trailingSpendMicros: 600 * EURO,
        trailingLeads: 10,
      }),
      segment({ segmentId: 'heatpump-new', branch: 'warmtepomp', trailingLeads: 0, trailingSpendMicros: 0 }),
    ];
    const cpls = estimateCpls(segments, defaultGuardrailSettings);
    // Branch: median of €18.20 and €20.00; all segments: median of €18.20, €20.00, €60.00.
    expect(cpls.get('painter-new')).toEqual({ micros: 19_100_000, source: 'branch_median' });
    expect(cpls.get('heatpump-new')).toEqual({ micros: 20_000_000, source: 'all_segments_median' });

    const noData = estimateCpls([segment({ segmentId: 'x', trailingLeads: 0 })], {
      ...defaultGuardrailSettings,
      defaultCplMicros: 31 * EURO,
    });
    expect(noData.get('x')).toEqual({ micros: 31 * EURO, source: 'default' });
  });

  it('gives segments of different branches their own fallback CPL instead of one constant', () => {
    const segments = [
      segment({
        segmentId: 'painter-a',
        branch: 'schilder',
        trailingSpendMicros: 200 * EURO,
        trailingLeads: 10,
      }),
      segment({
        segmentId: 'roofer-a',
        branch: 'dakdekker',
        trailingSpendMicros: 600 * EURO,
        trailingLeads: 10,
      }),
      segment({ segmentId: 'painter-new', branch: 'schilder', trailingLeads: 1 }),
      segment({ segmentId: 'roofer-new', branch: 'dakdekker', trailingLeads: 1 }),
    ];
    const cpls = estimateCpls(segments, defaultGuardrailSettings);
    expect(cpls.get('painter-new')?.micros).toBe(20 * EURO);
    expect(cpls.get('roofer-new')?.micros).toBe(60 * EURO);
  });
});

describe('desired budget', () => {
  it('adds the daily lead gap times the CPL to the current budget, in whole cents', () => {
    const input = segment({ segmentId: 'a', recentLeadsPerDay: 11.4, currentBudgetMicros: 335_740_000 });
    expect(desiredBudget(input, 23_400_000)).toBe(490_180_000);
    expect(desiredBudget(segment({ segmentId: 'b', recentLeadsPerDay: 18.333 }), 25 * EURO)).toBe(91_680_000);
  });
});

describe('decideBudgets', () => {
  it('caps an increase at +20% and explains it in one line', () => {
    const decision = decideOne(
      segment({
        segmentId: 'a',
        currentBudgetMicros: 335_740_000,
        recentLeadsPerDay: 11.4,
        trailingSpendMicros: 327_600_000,
        trailingLeads: 14,
      }),
    );
    expect(decision).toMatchObject({
      oldMicros: 335_740_000,
      newMicros: 402_880_000,
      desiredMicros: 490_180_000,
      action_type: 'budget_increase',
      status: 'clamped',
      reasons: ['max_daily_change'],
    });
    expect(decision.explanation).toBe(
      '+20% (capped from +46%): 7-day avg 11.4 leads/day vs target 18; CPL €23.40 over 14 days',
    );
  });

  it('plans a decrease within the limits as it is, naming the branch-median CPL', () => {
    const [decision] = decideBudgets(
      [
        segment({
          segmentId: 'a',
          currentBudgetMicros: 716_250_000,
          recentLeadsPerDay: 21,
          trailingLeads: 5,
          trailingSpendMicros: 80 * EURO,
        }),
        segment({ segmentId: 'b', trailingSpendMicros: 182 * EURO, trailingLeads: 10 }),
        segment({ segmentId: 'c', trailingSpendMicros: 200 * EURO, trailingLeads: 10 }),
      ],
      defaultGuardrailSettings,
    );
    expect(decision).toMatchObject({
      newMicros: 658_950_000,
      action_type: 'budget_decrease',
      status: 'planned',
      reasons: [],
    });
    expect(decision?.explanation).toBe(
      '−8%: 7-day avg 21.0 leads/day vs target 18; CPL €19.10 (branch median, too little data)',
    );
  });

  it('changes nothing for a paused segment', () => {
    const decision = decideOne(segment({ segmentId: 'a', isPaused: true, recentLeadsPerDay: 2 }));
    expect(decision).toMatchObject({
      newMicros: 100 * EURO,
      action_type: 'no_change',
      status: 'skipped',
      reasons: ['paused'],
    });
    expect(decision.explanation).toBe('no change: paused by admin');
  });

  it('changes nothing anywhere while the kill switch is on', () => {
    const settings = { ...defaultGuardrailSettings, killSwitch: true };
    const decisions = decideBudgets(
      [segment({ segmentId: 'a', recentLeadsPerDay: 2 }), segment({ segmentId: 'b', recentLeadsPerDay: 40 })],
      settings,
    );
    for (const decision of decisions) {
      expect(decision).toMatchObject({
        action_type: 'no_change',
        status: 'skipped',
        explanation: 'no change: kill switch is on',
      });
      expect(decision.newMicros).toBe(decision.oldMicros);
    }
  });

  it('starts a zero budget at the minimum', () => {
    const decision = decideOne(
      segment({ segmentId: 'a', currentBudgetMicros: 0, recentLeadsPerDay: 10, trailingLeads: 0 }),
    );
    expect(decision).toMatchObject({
      newMicros: 5 * EURO,
      action_type: 'budget_increase',
      status: 'clamped',
      reasons: ['zero_budget_start'],
    });
    expect(decision.explanation).toBe(
      'start at €5.00 (the minimum to start, wanted €200.00): 7-day avg 10.0 leads/day vs target 18; CPL €25.00 (default, too little data)',
    );
  });

  it('leaves a zero budget at zero when no more leads are wanted', () => {
    const decision = decideOne(segment({ segmentId: 'a', currentBudgetMicros: 0, recentLeadsPerDay: 20 }));
    expect(decision).toMatchObject({ newMicros: 0, action_type: 'no_change', status: 'planned' });
  });

  it('never raises a budget when the segment has no partner capacity, but may lower it', () => {
    const raise = decideOne(segment({ segmentId: 'a', capacityTotalLeads: 0, recentLeadsPerDay: 10 }));
    expect(raise).toMatchObject({ newMicros: 100 * EURO, action_type: 'no_change', status: 'clamped' });
    expect(raise.explanation).toBe(
      'no change (no partner capacity, wanted +200%): 7-day avg 10.0 leads/day vs target 18; CPL €25.00 over 14 days',
    );
    const lower = decideOne(
      segment({ segmentId: 'b', capacityTotalLeads: 0, targetLeadsPerDay: 0, recentLeadsPerDay: 0.5 }),
    );
    expect(lower).toMatchObject({ newMicros: 87_500_000, action_type: 'budget_decrease', status: 'planned' });
  });

  it('holds budgets inside the minimum and maximum', () => {
    const atMin = decideOne(
      segment({ segmentId: 'a', currentBudgetMicros: 5_500_000, recentLeadsPerDay: 30 }),
    );
    expect(atMin).toMatchObject({
      newMicros: 5 * EURO,
      status: 'clamped',
      reasons: ['max_daily_change', 'min_budget'],
    });
    const atMax = decideOne(
      segment({ segmentId: 'b', currentBudgetMicros: 1000 * EURO, recentLeadsPerDay: 1 }),
    );
    expect(atMax).toMatchObject({ newMicros: 1000 * EURO, action_type: 'no_change', status: 'clamped' });
    expect(atMax.explanation).toMatch(/^no change \(maximum budget €1000\.00, wanted \+43%\): /);
  });

  it('drops a change below both the minimum amount and the minimum fraction', () => {
    const decision = decideOne(segment({ segmentId: 'a', recentLeadsPerDay: 17.98 }));
    expect(decision).toMatchObject({
      newMicros: 100 * EURO,
      action_type: 'no_change',
      status: 'planned',
      reasons: ['below_min_change'],
    });
    expect(decision.explanation).toBe(
      'no change (below the minimum change, wanted +0.5%): 7-day avg 18.0 leads/day vs target 18; CPL €25.00 over 14 days',
    );
  });

  it('says plainly when a segment is on target', () => {
    expect(decideOne(segment({ segmentId: 'a' })).explanation).toBe(
      'no change: 7-day avg 18.0 leads/day vs target 18; CPL €25.00 over 14 days',
    );
  });

  it('gives the change slots of a run to the largest relative gaps and skips the rest with a reason', () => {
    const settings = { ...defaultGuardrailSettings, maxChangesPerRun: 1 };
    const decisions = decideBudgets(
      [
        segment({ segmentId: 'small-gap', recentLeadsPerDay: 16 }),
        segment({ segmentId: 'large-gap', recentLeadsPerDay: 6 }),
        segment({ segmentId: 'on-target' }),
      ],
      settings,
    );
    expect(decisions.map((decision) => [decision.segmentId, decision.status, decision.action_type])).toEqual([
      ['small-gap', 'skipped', 'no_change'],
      ['large-gap', 'clamped', 'budget_increase'],
      ['on-target', 'planned', 'no_change'],
    ]);
    expect(decisions[0]?.explanation).toBe(
      'no change (max 1 changes per run reached, wanted +20%): 7-day avg 16.0 leads/day vs target 18; CPL €25.00 over 14 days',
    );
  });

  it('trims increases to the account cap, largest relative gap first, and lets decreases stand', () => {
    const settings = { ...defaultGuardrailSettings, accountDailyCapMicros: { '1111111111': 330 * EURO } };
    const decisions = decideBudgets(
      [
        segment({ segmentId: 'grows-less', recentLeadsPerDay: 15 }),
        segment({ segmentId: 'grows-most', recentLeadsPerDay: 5 }),
        segment({ segmentId: 'shrinks', recentLeadsPerDay: 25 }),
        segment({ segmentId: 'other-account', accountId: '2222222222', recentLeadsPerDay: 5 }),
      ],
      settings,
    );
    const byId = new Map(decisions.map((decision) => [decision.segmentId, decision]));
    // Room: €330 − (€100 + €100 + €80) = €50; +€20 to grows-most, the remaining €30 caps grows-less at +€20... then none left.
    expect(byId.get('shrinks')?.newMicros).toBe(80 * EURO);
    expect(byId.get('grows-most')?.newMicros).toBe(120 * EURO);
    expect(byId.get('grows-less')?.newMicros).toBe(120 * EURO);
    expect(byId.get('other-account')?.newMicros).toBe(120 * EURO);

    const tight = decideBudgets(
      [
        segment({ segmentId: 'grows-less', recentLeadsPerDay: 15 }),
        segment({ segmentId: 'grows-most', recentLeadsPerDay: 5 }),
      ],
      { ...settings, accountDailyCapMicros: { '1111111111': 230 * EURO } },
    );
    expect(tight.map((decision) => [decision.segmentId, decision.newMicros, decision.status])).toEqual([
      ['grows-less', 110 * EURO, 'clamped'],
      ['grows-most', 120 * EURO, 'clamped'],
    ]);
    expect(tight[0]?.explanation).toBe(
      '+10% (account daily cap trimmed from +20%; capped from +75%): 7-day avg 15.0 leads/day vs target 18; CPL €25.00 over 14 days',
    );

    const full = decideBudgets([segment({ segmentId: 'a', recentLeadsPerDay: 5 })], {
      ...settings,
      accountDailyCapMicros: { '1111111111': 90 * EURO },
    });
    expect(full[0]).toMatchObject({ newMicros: 100 * EURO, action_type: 'no_change', status: 'clamped' });
    expect(full[0]?.explanation).toMatch(/^no change \(account daily cap reached\): /);
  });

  it('rejects a run that names a segment twice or carries impossible amounts', () => {
    expect(() =>
      decideBudgets([segment({ segmentId: 'a' }), segment({ segmentId: 'a' })], defaultGuardrailSettings),
    ).toThrow(RangeError);
    expect(() => decideOne(segment({ segmentId: 'a', currentBudgetMicros: -1 }))).toThrow(RangeError);
    expect(() => decideOne(segment({ segmentId: 'a', recentLeadsPerDay: Number.NaN }))).toThrow(RangeError);
  });
});

describe('guardrail settings', () => {
  it('fills every default from an empty object', () => {
    expect(guardrailSettingsSchema.parse({})).toEqual({
      maxDailyChange: 0.2,
      minBudgetMicros: 5 * EURO,
      maxBudgetMicros: 1000 * EURO,
      accountDailyCapMicros: {},
      defaultAccountDailyCapMicros: null,
      maxChangesPerRun: 50,
      killSwitch: false,
      minChangeMicros: EURO,
      minChangeFraction: 0.01,
      recentWindowDays: 7,
      cplLookbackDays: 14,
      cplMinLeads: 10,
      cplMinSpendMicros: 50 * EURO,
      defaultCplMicros: 25 * EURO,
    });
  });

  it('rejects a misspelt key, fractional micros and a minimum above the maximum', () => {
    expect(guardrailSettingsSchema.safeParse({ maxDailyChnage: 0.1 }).success).toBe(false);
    expect(guardrailSettingsSchema.safeParse({ minBudgetMicros: 5.5 }).success).toBe(false);
    expect(
      guardrailSettingsSchema.safeParse({ minBudgetMicros: 10 * EURO, maxBudgetMicros: 5 * EURO }).success,
    ).toBe(false);
    expect(guardrailSettingsSchema.safeParse({ maxDailyChange: 0 }).success).toBe(false);
  });
});
