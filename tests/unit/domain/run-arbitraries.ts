import fc from 'fast-check';
import type { BudgetSegmentInput } from '../../../shared/domain/budget-controller.ts';
import { splitBudget } from '../../../shared/domain/budget-split.ts';
import { guardrailSettingsSchema } from '../../../shared/domain/guardrails.ts';

/**
 * Random runs for the controller's property tests: segments with zero, ordinary and out-of-range
 * budgets and histories of every kind, and guardrail settings. Runs stay small (≤ 12 segments) to
 * keep the suites fast.
 */

export const ACCOUNTS = ['1111111111', '2222222222', '3333333333'] as const;
export const cents = (min: number, max: number) => fc.integer({ min, max }).map((value) => value * 10_000);

export const segmentArbitrary = fc.record({
  branch: fc.constantFrom('schilder', 'dakdekker', 'warmtepomp'),
  accountId: fc.constantFrom(...ACCOUNTS),
  // Zero, ordinary and out-of-range budgets (below €5 and above €1000 with the defaults).
  currentBudgetMicros: fc.oneof(
    fc.constant(0),
    cents(1, 2_000),
    cents(500, 150_000),
    cents(100_000, 200_000),
  ),
  targetLeadsPerDay: fc.integer({ min: 0, max: 4_000 }).map((hundredths) => hundredths / 100),
  recentLeadsPerDay: fc.integer({ min: 0, max: 600 }).map((tenths) => tenths / 10),
  leadsOnDate: fc.integer({ min: 0, max: 60 }),
  // Days with and without leads, spend, a known budget and a reported lost impression share.
  history: fc.array(
    fc.record({
      date: fc.constant('2026-11-01'),
      leads: fc.integer({ min: 0, max: 60 }),
      spendMicros: fc.oneof(fc.constant(0), cents(1, 120_000)),
      budgetMicros: fc.option(cents(0, 150_000), { nil: null }),
      budgetLostImpressionShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    }),
    { maxLength: 10 },
  ),
  valuePerLeadMicros: fc.option(cents(1, 20_000), { nil: null }),
  capacityTotalLeads: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 6_000 }).map((hundredths) => hundredths / 100),
  ),
  isPaused: fc.boolean(),
  // A segment whose campaigns span two accounts: the share of its budget in a second account.
  split: fc.option(
    fc.record({ accountId: fc.constantFrom(...ACCOUNTS), permille: fc.integer({ min: 0, max: 1000 }) }),
    {
      nil: null,
    },
  ),
});

export const runArbitrary = fc
  .array(segmentArbitrary, { maxLength: 12 })
  .map((segments): BudgetSegmentInput[] =>
    segments.map(({ split, ...segment }, index) => {
      const named = { ...segment, segmentId: `seg-${index}`, code: `seg-${index}` };
      if (!split) return named;
      const second = Math.floor((segment.currentBudgetMicros * split.permille) / 1000 / 10_000) * 10_000;
      return {
        ...named,
        budgets: [
          { accountId: segment.accountId, currentMicros: segment.currentBudgetMicros - second },
          { accountId: split.accountId, currentMicros: second },
        ],
      };
    }),
  );

/** What of a decided segment total lands in budgets of an account (split as it is sent). */
export function inAccount(segment: BudgetSegmentInput, accountId: string, totalMicros: number): number {
  const budgets = segment.budgets ?? [
    { accountId: segment.accountId, currentMicros: segment.currentBudgetMicros },
  ];
  const parts = splitBudget(
    budgets.map((budget) => budget.currentMicros),
    totalMicros,
  );
  return budgets.reduce(
    (sum, budget, i) => (budget.accountId === accountId ? sum + (parts[i] ?? 0) : sum),
    0,
  );
}

export const settingsArbitrary = fc
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
