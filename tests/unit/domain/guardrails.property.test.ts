import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BudgetDecision,
  type BudgetSegmentInput,
  type ControllerSettings,
  controllerSettingsSchema,
  decideBudgets,
} from '../../../shared/domain/budget-controller.ts';
import type { GuardrailSettings } from '../../../shared/domain/guardrails.ts';
import { isWholeCents } from '../../../shared/domain/money.ts';
import { ACCOUNTS, inAccount, runArbitrary, settingsArbitrary } from './run-arbitraries.ts';

/**
 * The safety limits on budget changes as properties over random runs: whatever the controller
 * wants, no decision may break them.
 */

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

const controllers: ControllerSettings[] = [
  controllerSettingsSchema.parse({ name: 'default' }),
  controllerSettingsSchema.parse({ name: 'plan' }),
];

describe.each(controllers)('the $name controller', (controller) => {
  function forEachDecision(
    check: (decision: BudgetDecision, input: BudgetSegmentInput, settings: GuardrailSettings) => void,
    settings: fc.Arbitrary<GuardrailSettings> = settingsArbitrary,
  ): void {
    fc.assert(
      fc.property(runArbitrary, settings, (segments, runSettings) => {
        const decisions = decideBudgets(segments, runSettings, controller);
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
        // What the controller wants is its own affair; once it wants more, the start is the minimum.
        const wantsLeads = decision.desiredMicros > 0;
        if (
          input.currentBudgetMicros !== 0 ||
          input.isPaused ||
          input.capacityTotalLeads === 0 ||
          !wantsLeads
        )
          return;
        expect(decision.newMicros).toBe(settings.minBudgetMicros);
        expect(decision.action).toBe('increase');
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
        if (input.capacityTotalLeads === 0)
          expect(decision.newMicros).toBeLessThanOrEqual(decision.oldMicros);
      });
    });

    it('never changes a paused segment, and nothing at all under the kill switch', () => {
      forEachDecision((decision, input, settings) => {
        if (!input.isPaused && !settings.killSwitch) return;
        expect(decision.newMicros).toBe(decision.oldMicros);
        expect(decision).toMatchObject({ action: 'none', status: 'skipped' });
      });
    });

    it('keeps each account within its daily cap, counting each budget toward the account that owns it, or at most at its old total when that was already over', () => {
      fc.assert(
        fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
          const decisions = decideBudgets(segments, settings, controller);
          for (const accountId of ACCOUNTS) {
            const cap = settings.accountDailyCapMicros[accountId] ?? settings.defaultAccountDailyCapMicros;
            if (cap === null) continue;
            // Each budget counts toward the account that owns it, for segments spanning accounts too.
            const total = (of: (decision: (typeof decisions)[number]) => number) =>
              decisions.reduce((sum, decision, i) => {
                const segment = segments[i];
                return segment ? sum + inAccount(segment, accountId, of(decision)) : sum;
              }, 0);
            const oldTotal = total((decision) => decision.oldMicros);
            const newTotal = total((decision) => decision.newMicros);
            expect(newTotal).toBeLessThanOrEqual(Math.max(cap, oldTotal));
            if (oldTotal > cap) expect(newTotal).toBeLessThanOrEqual(oldTotal);
          }
        }),
      );
    });

    it('never pushes a budget below its current value because of the account cap', () => {
      fc.assert(
        fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
          const uncapped = decideBudgets(
            segments,
            {
              ...settings,
              accountDailyCapMicros: {},
              defaultAccountDailyCapMicros: null,
            },
            controller,
          );
          decideBudgets(segments, settings, controller).forEach((decision, index) => {
            const without = uncapped[index];
            if (!without) throw new Error('same segments, same number of decisions');
            expect(decision.newMicros).toBeGreaterThanOrEqual(
              Math.min(decision.oldMicros, without.newMicros),
            );
            expect(decision.newMicros).toBeLessThanOrEqual(Math.max(decision.oldMicros, without.newMicros));
          });
        }),
      );
    });

    it('makes no more changes than the run allows', () => {
      fc.assert(
        fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
          const decisions = decideBudgets(segments, settings, controller);
          expect(decisions.filter(changed).length).toBeLessThanOrEqual(settings.maxChangesPerRun);
        }),
      );
    });

    it('labels every decision consistently and explains it in one line', () => {
      forEachDecision((decision) => {
        const expected =
          decision.newMicros > decision.oldMicros
            ? 'increase'
            : decision.newMicros < decision.oldMicros
              ? 'decrease'
              : 'none';
        expect(decision.action).toBe(expected);
        if (decision.status === 'skipped') expect(decision.action).toBe('none');
        expect(decision.explanation).toMatch(/^\S.*\S$/);
        expect(decision.explanation).not.toMatch(/\n|NaN|Infinity|undefined/);
      });
    });

    it('decides the same whatever order the segments arrive in', () => {
      fc.assert(
        fc.property(runArbitrary, settingsArbitrary, (segments, settings) => {
          const forward = decideBudgets(segments, settings, controller);
          const backward = decideBudgets([...segments].reverse(), settings, controller).reverse();
          expect(backward).toEqual(forward);
        }),
      );
    });
  });
});
