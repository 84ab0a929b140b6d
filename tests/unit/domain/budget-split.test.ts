import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBudget } from '../../../shared/domain/budget-split.ts';

describe('splitting a segment budget over its campaigns', () => {
  it('keeps the proportions of the current budgets, in whole cents', () => {
    expect(splitBudget([10_000_000, 30_000_000], 48_000_000)).toEqual([12_000_000, 36_000_000]);
  });

  it('splits evenly when every campaign is at zero, the last one taking the remainder', () => {
    expect(splitBudget([0, 0, 0], 10_000_000)).toEqual([3_330_000, 3_330_000, 3_340_000]);
  });

  it('always adds up to the new total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100_000 }),
        (centsParts, totalCents) => {
          const parts = splitBudget(
            centsParts.map((c) => c * 10_000),
            totalCents * 10_000,
          );
          expect(parts.reduce((a, b) => a + b, 0)).toBe(totalCents * 10_000);
          expect(parts.every((p) => p % 10_000 === 0)).toBe(true);
        },
      ),
    );
  });
});
