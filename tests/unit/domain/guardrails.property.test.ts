import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BudgetDecision,
  type BudgetSegmentInput,
  decideBudgets,
} from '../../../shared/domain/budget-controller.ts';
import { type GuardrailSettings, guardrailSettingsSchema } from '../../../shared/domain/guardrails.ts';
import { isWholeCents } from '../../../shared/domain/money.ts';

/**
 * The safety limits on budget changes as properties over random runs: whatever the controller
 * wants, no decision may break them. Runs stay small (≤ 12 segments) to keep the suite fast.
 */

const ACCOUNTS = ['1111111111', '2222222222', '3333333333'] as const;
const cents = (min: number, max: number) => fc.integer({ min, max }).map((value) => value * 10_000);

const segmentArbitrary = fc.record({
  branch: fc.constantFrom('schilder', 'dakdekker', 'warmtepomp'),
  accountId: fc.constantFrom(...ACCOUNTS),
  // Zero, ordinary and out-of-range budgets (below €5 and above €1000 with the defaults).
  currentBudgetMicros: fc.oneof(
    fc.constant(0),
    cents(1, 2_000),
    cents(500, 150_000),
    cents(100_000, 200_000),
  ),
  targetLeadsPerDay: fc.integer({ min: 0, max: 40 }),
  recentLeadsPerDay: fc.integer({ min: 0, max: 600 }).map((tenths) => tenths / 10),
  trailingSpendMicros: cents(0, 1_000_000),
  trailingLeads: fc.integer({ min: 0, max: 300 }),
  capacityTotalLeads: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 6_000 }).map((hundredths) => hundredths / 100),
  ),
  isPaused: fc.boolean(),
});

const runArbitrary = fc
  .array(segmentArbitrary, { maxLength: 12 })
  .map((segments): BudgetSegmentInput[] =>
    segments.map((segment, index) => ({ ...segment, segmentId: `seg-${index}` })),
  );

const settingsArbitrary = fc
  .record({
    maxDailyChange: fc.constantFrom(0.1, 0.2, 0.25, 0.5),
    minBudgetMicros: cents(100, 2_000),
    maxBudgetMicros: cents(20_000, 150_000),
    accountDailyCapMicros: fc.record(
      { '1111111111': cents(0, 300_000), '2222222222': cents(0, 300_000) },
      { requiredKeys: [] },
    ),
    defaultAccountDailyCapMicros: fc.option(cents(0, 300_000), { nil: null }),
    maxChangesPerRun: fc.integer({ min: 0, max: 15 }),
    killSwitch: fc.constantFrom(false, false, false, true),
    minChangeMicros: cents(0, 500),
    minChangeFraction: fc.constantFrom(0, 0.01, 0.05),
  })
  .map((settings) => guardrailSettingsSchema.parse(settings));

/** Settings without run-wide limits, so per-segment behaviour shows through. */
const unlimitedSettingsArbitrary = settingsArbitrary.map(
  (settings): GuardrailSettings => ({
    ...settings,
    accountDailyCapMicros: {},
    defaultAccountDailyCapMicros: null,
    maxChangesPerRun: 1_000,
    killSwitch: false,
  }),
);

function forEachDecision(
  check: (decision: BudgetDecision, input: BudgetSegmentInput, settings: GuardrailSettings) => void,
  settings: fc.Arbitrary<GuardrailSettings> = settingsArbitrary,
): void {
  fc.assert(
    fc.property(runArbitrary, settings, (segments, runSettings) => {
      const decisions = decideBudgets(segments, runSettings);
      expect(decisions).toHaveLength(segments.length);
      decisions.forEach((decision, index) => {
        const input = segments[index];
        if (!input) throw new Error('one decision per segment, in input order');
        expect(decision.segmentId).toBe(input.segmentId);
        check(decision, input, runSettings);
      });
    }),
  );
}

const changed = (decision: BudgetDecision): boolean => decision.newMicros !== decision.oldMicros;

describe('budget guardrails hold for every run', () => {
  it('never moves an in-range budget more than the daily change limit', () => {
    forEachDecision((decision, _input, settings) => {
      const { oldMicros, newMicros } = decision;
      if (oldMicros === 0 || !changed(decision)) return;
      if (oldMicros < settings.minBudgetMicros || oldMicros > settings.maxBudgetMicros) return;
      const limitPpm = Math.round(settings.maxDailyChange * 1_000_000);
      expect(Math.abs(newMicros - oldMicros) * 1_000_000).toBeLessThanOrEqual(oldMicros * limitPpm);
    });
  });

  it('never sets a budget outside the minimum and maximum', () => {
    forEachDecision((decision, _input, settings) => {
      if (!changed(decision)) return;
      expect(decision.newMicros).toBeGreaterThanOrEqual(settings.minBudgetMicros);
      expect(decision.newMicros).toBeLessThanOrEqual(settings.maxBudgetMicros);
    });
  });

  it('sets every changed budget in whole cents', () => {
    forEachDecision((decision) => {
      expect(Number.isSafeInteger(decision.newMicros)).toBe(true);
      if (changed(decision)) expect(isWholeCents(decision.newMicros)).toBe(true);
    });
  });

  it('moves a zero budget only to the minimum', () => {
    forEachDecision((decision, input, settings) => {
      if (input.currentBudgetMicros !== 0) return;
      expect([0, settings.minBudgetMicros]).toContain(decision.newMicros);
    });
  });

  it('starts a zero budget at the minimum when more leads are wanted and nothing forbids it', () => {
    forEachDecision((decision, input, settings) => {
      const wantsLeads = input.targetLeadsPerDay > input.recentLeadsPerDay;
      if (input.currentBudgetMicros !== 0 || input.isPaused || input.capacityTotalLeads === 0 || !wantsLeads)
        return;
      expect(decision.newMicros).toBe(settings.minBudgetMicros);
      expect(decision.action_type).toBe('budget_increase');
    }, unlimitedSettingsArbitrary);
  });

  it('never moves a budget the other way than the controller wants', () => {
    forEachDecision((decision) => {
      const wanted = Math.sign(decision.desiredMicros - decision.oldMicros);
      const moved = Math.sign(decision.newMicros - decision.oldMicros);
      expect(moved === 0 || moved === wanted).toBe(true);
    });
  });

  it('never raises a budget at zero capacity', () => {
    forEachDecision((decision, input) => {
      if (input.capacityTotalLeads === 0) expect(decision.newMicros).toBeLessThanOrEqual(decision.oldMicros);
    });
  });

  it('never changes a paused segment, and nothing at all under the kill switch', () => {
    forEachDecision((decision, input, settings) => {
      if (!input.isPaused && !settings.killSwitch) return;
      expect(decision.newMicros).toBe(decision.oldMicros);
      expect(decision).toMatchObject({ action_type: 'no_change', status: 'skipped' });
    });
  });

  it('keeps each account within its daily cap, or at most at its old total when that was already over', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        const decisions = decideBudgets(segments, settings);
        for (const accountId of ACCOUNTS) {
          const cap = settings.accountDailyCapMicros[accountId] ?? settings.defaultAccountDailyCapMicros;
          if (cap === null) continue;
          const ofAccount = decisions.filter((decision) => decision.accountId === accountId);
          const oldTotal = ofAccount.reduce((sum, decision) => sum + decision.oldMicros, 0);
          const newTotal = ofAccount.reduce((sum, decision) => sum + decision.newMicros, 0);
          expect(newTotal).toBeLessThanOrEqual(Math.max(cap, oldTotal));
          if (oldTotal > cap) expect(newTotal).toBeLessThanOrEqual(oldTotal);
        }
      }),
    );
  });

  it('never pushes a budget below its current value because of the account cap', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        const uncapped = decideBudgets(segments, {
          ...settings,
          accountDailyCapMicros: {},
          defaultAccountDailyCapMicros: null,
        });
        decideBudgets(segments, settings).forEach((decision, index) => {
          const without = uncapped[index];
          if (!without) throw new Error('same segments, same number of decisions');
          expect(decision.newMicros).toBeGreaterThanOrEqual(Math.min(decision.oldMicros, without.newMicros));
          expect(decision.newMicros).toBeLessThanOrEqual(Math.max(decision.oldMicros, without.newMicros));
        });
      }),
    );
  });

  it('makes no more changes than the run allows', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        const decisions = decideBudgets(segments, settings);
        expect(decisions.filter(changed).length).toBeLessThanOrEqual(settings.maxChangesPerRun);
      }),
    );
  });

  it('labels every decision consistently and explains it in one line', () => {
    forEachDecision((decision) => {
      const expected =
        decision.newMicros > decision.oldMicros
          ? 'budget_increase'
          : decision.newMicros < decision.oldMicros
            ? 'budget_decrease'
            : 'no_change';
      expect(decision.action_type).toBe(expected);
      if (decision.status === 'skipped') expect(decision.action_type).toBe('no_change');
      expect(decision.explanation).toMatch(/^\S.*\S$/);
      expect(decision.explanation).not.toMatch(/\n|NaN|Infinity|undefined/);
    });
  });

  it('decides the same whatever order the segments arrive in', () => {
    fc.assert(
      fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
        const forward = decideBudgets(segments, settings);
        const backward = decideBudgets([...segments].reverse(), settings).reverse();
        expect(backward).toEqual(forward);
      }),
    );
  });
});
