import { describe, expect, it } from 'vitest';
import {
  type BudgetSegmentInput,
  type ControllerSettingsInput,
  controllerSettingsSchema,
  decideBudgets,
} from '../../../shared/domain/budget-controller.ts';
import { renderReason } from '../../../shared/domain/decision-reason.ts';
import {
  defaultGuardrailSettings,
  type GuardrailSettings,
  guardrailSettingsSchema,
} from '../../../shared/domain/guardrails.ts';
import type { SegmentDay } from '../../../shared/domain/response-model.ts';

const EURO = 1_000_000;

/** `count` days at one spend and lead count, the budget fully spent. */
function days(
  count: number,
  spendEuros: number,
  leads: number,
  extra: Partial<SegmentDay> = {},
): SegmentDay[] {
  return Array.from({ length: count }, (_, index) => ({
    date: `2026-11-${String(index + 1).padStart(2, '0')}`,
    leads,
    spendMicros: spendEuros * EURO,
    budgetMicros: spendEuros * EURO,
    budgetLostImpressionShare: 0.3,
    ...extra,
  }));
}

/** A painter segment: 28 days at €400/day and 20 leads a day (€20 a lead), on target. */
function segment(overrides: Partial<BudgetSegmentInput> & { segmentId: string }): BudgetSegmentInput {
  return {
    code: overrides.segmentId,
    branch: 'schilder',
    accountId: '1111111111',
    currentBudgetMicros: 400 * EURO,
    targetLeadsPerDay: 20,
    recentLeadsPerDay: 20,
    leadsOnDate: 20,
    history: days(28, 400, 20),
    valuePerLeadMicros: null,
    capacityTotalLeads: 25,
    isPaused: false,
    ...overrides,
  };
}

function decideOne(
  input: BudgetSegmentInput,
  controller: ControllerSettingsInput = {},
  settings: GuardrailSettings = defaultGuardrailSettings,
) {
  const [decision] = decideBudgets([input], settings, controllerSettingsSchema.parse(controller));
  if (!decision) throw new Error('expected one decision');
  return decision;
}

describe('the default controller', () => {
  it('asks the model for the budget the target needs, caps the raise at +20% and names the estimate', () => {
    // 20 leads a day at €400, the target 30: at elasticity 0.8 that takes 400 × 1.5^(1/0.8) ≈ €664.
    const decision = decideOne(segment({ segmentId: 'a', targetLeadsPerDay: 30 }));
    expect(decision.desiredMicros / EURO).toBeCloseTo(664, -1);
    expect(decision).toMatchObject({ newMicros: 480 * EURO, status: 'clamped', action: 'increase' });
    expect(decision.explanation).toBe(
      '+20% (capped from +66%): model 20.0 leads/day at €400 (€20.00 each, next €25.00); target needs €664/day; 7-day avg 20.0 vs target 30 (gap +33%)',
    );
  });

  it('names the clicks and the conversion rate behind the model where the report gives clicks', () => {
    // 200 clicks a day at €400, one in ten a lead: the same 20 leads, read through the funnel.
    const decision = decideOne(
      segment({ segmentId: 'a', targetLeadsPerDay: 30, history: days(28, 400, 20, { clicks: 200 }) }),
    );
    expect(decision.explanation).toBe(
      '+20% (capped from +66%): model 20.0 leads/day at €400 (€20.00 each, next €25.00); from 200 clicks/day, 10.0% converting; target needs €664/day; 7-day avg 20.0 vs target 30 (gap +33%)',
    );
    expect(renderReason(decision.reason)).toBe(decision.explanation);
  });

  it('reads the model at what today’s budget spends: a budget spent at 90% buys the leads of 90% of it', () => {
    // 28 days spending €360 of a €400 budget for 18 leads (€20 each): at €400 the model expects 18.
    const decision = decideOne(
      segment({
        segmentId: 'a',
        targetLeadsPerDay: 18,
        recentLeadsPerDay: 18,
        leadsOnDate: 18,
        history: days(28, 360, 18, { budgetMicros: 400 * EURO }),
      }),
    );
    expect(decision.reason.params.model_budget).toBe(400);
    expect(decision.reason.params.needed_budget).toBeCloseTo(400, 6);
    expect(decision.reason.params.model_leads_per_day).toBeCloseTo(18, 6);
    expect(decision.reason.params.model_cost_per_lead).toBeCloseTo(20, 6);
    expect(decision.explanation).toMatch(/^no change: model 18\.0 leads\/day at €400 \(€20\.00 each/);
  });

  it('holds a budget within the model’s margin instead of chasing noise', () => {
    const decision = decideOne(segment({ segmentId: 'a', targetLeadsPerDay: 20.5, recentLeadsPerDay: 19.4 }));
    expect(decision).toMatchObject({ newMicros: 400 * EURO, action: 'none' });
    expect(decision.reasons).toContain('within_margin');
    expect(decision.explanation).toMatch(/^no change: .*within the model's margin ±\d+%/);
  });

  it('does not re-add a correction the average has not yet seen: yesterday’s raise already counts', () => {
    // Two days ago the budget went from €400 to €480; those days brought 23 leads each. The 7-day
    // average (≈20.9) still lags, but the model reads each day against its own spend.
    const history = [...days(26, 400, 20), ...days(2, 480, 23)];
    const decision = decideOne(
      segment({
        segmentId: 'a',
        currentBudgetMicros: 480 * EURO,
        targetLeadsPerDay: 23,
        recentLeadsPerDay: 20.9,
        history,
      }),
    );
    expect(decision.newMicros).toBe(480 * EURO);
  });

  it('takes a full standard error to go back on a move of the last few days', () => {
    // Two days ago the budget went from €400 to €480 for a target of 23; those days brought 29
    // leads each. Half a standard error would cut again (−6%); two lucky days are not enough.
    const history = [...days(26, 400, 20), ...days(2, 480, 29)];
    const decision = decideOne(
      segment({ segmentId: 'a', currentBudgetMicros: 480 * EURO, targetLeadsPerDay: 23, history }),
    );
    expect(decision).toMatchObject({ newMicros: 480 * EURO, action: 'none' });
    expect(decision.reasons).toContain('within_margin');
  });

  it('changes nothing when a week brought no leads and no cost, and says why', () => {
    const history = [...days(21, 400, 20), ...days(7, 0, 0, { budgetMicros: 400 * EURO })];
    const decision = decideOne(segment({ segmentId: 'a', recentLeadsPerDay: 0, history }));
    expect(decision).toMatchObject({ newMicros: 400 * EURO, reasons: ['no_data'] });
    expect(decision.explanation).toMatch(
      /^no change: no leads and no ad cost in the last 7 days: no data is no signal/,
    );
  });

  it('changes nothing when a week brought leads but no cost data', () => {
    const history = [...days(21, 400, 20), ...days(7, 0, 20)];
    expect(decideOne(segment({ segmentId: 'a', history })).reasons).toEqual(['no_cost_data']);
  });

  it('does not raise where the budget does not limit delivery, and says so', () => {
    const history = days(28, 300, 15, { budgetMicros: 500 * EURO, budgetLostImpressionShare: 0 });
    // The model says the target of 25 needs €567 a day; €500 is not even spent.
    const decision = decideOne(
      segment({
        segmentId: 'a',
        currentBudgetMicros: 500 * EURO,
        targetLeadsPerDay: 25,
        recentLeadsPerDay: 15,
        history,
      }),
    );
    expect(decision).toMatchObject({ newMicros: 500 * EURO, action: 'none' });
    expect(decision.explanation).toMatch(
      /budget does not limit delivery \(0% impressions lost to budget, 60% of budget spent\)/,
    );
  });

  it('still lowers a budget that does not limit delivery when there are too many leads', () => {
    const history = days(28, 300, 15, { budgetMicros: 500 * EURO, budgetLostImpressionShare: 0 });
    const decision = decideOne(
      segment({
        segmentId: 'a',
        currentBudgetMicros: 500 * EURO,
        targetLeadsPerDay: 8,
        recentLeadsPerDay: 15,
        history,
      }),
    );
    expect(decision.action).toBe('decrease');
  });

  it('stops raising where one more lead would cost more than a lead earns', () => {
    // €20 a lead on average, €25 at the margin; a lead earns €22: the most worth spending is where
    // the marginal lead costs €22 — (22 × scale × 0.8)^(1/0.2).
    const decision = decideOne(
      segment({ segmentId: 'a', targetLeadsPerDay: 30, valuePerLeadMicros: 22 * EURO }),
    );
    expect(decision.reasons).toContain('max_marginal_cost');
    expect(decision.newMicros).toBeLessThan(400 * EURO);
    expect(decision.explanation).toMatch(/a lead earns €22.00, so at most €\d+\/day/);
  });

  it('takes a configured maximum per segment over what a lead earns, and per branch after it', () => {
    const input = segment({ segmentId: 'a', targetLeadsPerDay: 30, valuePerLeadMicros: 22 * EURO });
    const bySegment = decideOne(input, { maxMarginalCostPerLeadMicros: { segments: { a: 60 * EURO } } });
    expect(bySegment.reasons).not.toContain('max_marginal_cost');
    const byBranch = decideOne(input, {
      maxMarginalCostPerLeadMicros: { branches: { schilder: 60 * EURO } },
    });
    expect(byBranch.newMicros).toBe(480 * EURO);
  });

  it('leans on its branch when its own data is thin', () => {
    // A new painter segment with one lead for €100 of spend; its branch buys leads at €20.
    const runOf = (withBranch: boolean) =>
      decideBudgets(
        [
          segment({
            segmentId: 'new',
            currentBudgetMicros: 100 * EURO,
            targetLeadsPerDay: 5,
            recentLeadsPerDay: 1,
            history: days(1, 100, 1),
          }),
          ...(withBranch ? [segment({ segmentId: 'old' }), segment({ segmentId: 'older' })] : []),
        ],
        defaultGuardrailSettings,
        controllerSettingsSchema.parse({}),
      )[0];
    const alone = runOf(false);
    const shrunk = runOf(true);
    expect(shrunk?.desiredMicros).toBeLessThan(alone?.desiredMicros ?? 0);
  });

  it('starts a zero budget at the minimum and learns from there', () => {
    const decision = decideOne(segment({ segmentId: 'a', currentBudgetMicros: 0, history: [] }));
    expect(decision).toMatchObject({ newMicros: 5 * EURO, action: 'increase' });
    expect(decision.explanation).toMatch(/^start at €5.00: no spend to learn from yet/);
  });

  it('gives a binding account cap to the cheapest marginal leads, not to the list order', () => {
    // Both want +20%; the cap leaves room for one. "dear" buys leads at €60, "cheap" at €15.
    const dear = segment({
      segmentId: 'a-dear',
      targetLeadsPerDay: 12,
      recentLeadsPerDay: 6,
      history: days(28, 400, 6.67 | 0),
    });
    const cheap = segment({
      segmentId: 'b-cheap',
      targetLeadsPerDay: 40,
      recentLeadsPerDay: 27,
      history: days(28, 400, 27),
    });
    const settings = guardrailSettingsSchema.parse({ accountDailyCapMicros: { '1111111111': 880 * EURO } });
    const [toDear, toCheap] = decideBudgets([dear, cheap], settings, controllerSettingsSchema.parse({}));
    expect(toCheap).toMatchObject({ newMicros: 480 * EURO, reasons: ['max_daily_change'] });
    expect(toDear).toMatchObject({ newMicros: 400 * EURO, action: 'none' });
    expect(toDear?.explanation).toMatch(/^no change \(account daily cap reached\)/);
  });

  it('gives the change slots of a run to the largest relative gaps', () => {
    const run = decideBudgets(
      [
        segment({ segmentId: 'small', targetLeadsPerDay: 26 }),
        segment({ segmentId: 'large', targetLeadsPerDay: 40 }),
      ],
      guardrailSettingsSchema.parse({ maxChangesPerRun: 1 }),
      controllerSettingsSchema.parse({}),
    );
    expect(run.map((d) => d.status)).toEqual(['skipped', 'clamped']);
    expect(run[0]?.explanation).toMatch(/^no change \(max 1 changes per run reached, wanted \+20%\)/);
  });

  it('changes nothing while the kill switch is on, or for a paused segment', () => {
    const killed = decideOne(
      segment({ segmentId: 'a', targetLeadsPerDay: 30 }),
      {},
      { ...defaultGuardrailSettings, killSwitch: true },
    );
    expect(killed).toMatchObject({
      newMicros: 400 * EURO,
      status: 'skipped',
      explanation: 'no change: kill switch is on',
    });
    const paused = decideOne(segment({ segmentId: 'a', targetLeadsPerDay: 30, isPaused: true }));
    expect(paused).toMatchObject({
      newMicros: 400 * EURO,
      status: 'skipped',
      explanation: 'no change: paused by admin',
    });
  });

  it('never raises at zero capacity', () => {
    const decision = decideOne(segment({ segmentId: 'a', targetLeadsPerDay: 30, capacityTotalLeads: 0 }));
    expect(decision.newMicros).toBe(400 * EURO);
    expect(decision.reasons).toContain('zero_capacity');
  });

  it('writes a wanted amount far from the budget in euros, not as a percentage in the thousands', () => {
    const decision = decideOne(
      segment({
        segmentId: 'a',
        currentBudgetMicros: 20 * EURO,
        targetLeadsPerDay: 400,
        history: days(28, 20, 1),
      }),
    );
    expect(decision.explanation).not.toMatch(/\d{4,}%/);
    expect(decision.explanation).toMatch(/capped from €[\d,]+\.\d\d/);
  });
});

describe('the plan controller', () => {
  it('adds (target − yesterday’s leads) × €25 to the budget, then the same guardrails', () => {
    const up = decideOne(segment({ segmentId: 'a', leadsOnDate: 17 }), { name: 'plan' });
    expect(up).toMatchObject({ desiredMicros: 475 * EURO, newMicros: 475 * EURO, status: 'planned' });
    expect(up.explanation).toBe('+19%: plan rule: yesterday 17 leads vs target 20; CPL €25.00 fixed');
    const down = decideOne(segment({ segmentId: 'a', leadsOnDate: 60 }), { name: 'plan' });
    expect(down).toMatchObject({ desiredMicros: -600 * EURO, newMicros: 320 * EURO, status: 'clamped' });
  });
});

describe('settings', () => {
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
    });
    expect(controllerSettingsSchema.parse({})).toMatchObject({
      name: 'default',
      lookbackDays: 56,
      recentDays: 7,
    });
  });

  it('rejects a misspelt key, fractional micros, an unknown controller and a minimum above the maximum', () => {
    expect(guardrailSettingsSchema.safeParse({ maxDailyChnage: 0.1 }).success).toBe(false);
    expect(guardrailSettingsSchema.safeParse({ minBudgetMicros: 5.5 }).success).toBe(false);
    expect(
      guardrailSettingsSchema.safeParse({ minBudgetMicros: 10 * EURO, maxBudgetMicros: 5 * EURO }).success,
    ).toBe(false);
    expect(controllerSettingsSchema.safeParse({ name: 'pid' }).success).toBe(false);
    expect(controllerSettingsSchema.safeParse({ elasticity: 1.5 }).success).toBe(false);
  });

  it('rejects a run that names a segment twice or carries impossible amounts', () => {
    expect(() =>
      decideBudgets([segment({ segmentId: 'a' }), segment({ segmentId: 'a' })], defaultGuardrailSettings),
    ).toThrow(RangeError);
    expect(() => decideOne(segment({ segmentId: 'a', currentBudgetMicros: -1 }))).toThrow(RangeError);
    expect(() => decideOne(segment({ segmentId: 'a', recentLeadsPerDay: Number.NaN }))).toThrow(RangeError);
    expect(() => decideOne(segment({ segmentId: 'a', history: days(1, 10, 1.5) }))).toThrow(/history/);
  });
});
