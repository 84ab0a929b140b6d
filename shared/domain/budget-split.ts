import { type Micros, scaleToCents } from './money.ts';

/**
 * Spreads a segment's new budget over its campaigns in proportion to their current budgets (all
 * equal when they are all 0), in whole cents; the last campaign takes the rounding remainder so
 * the parts always add up to the total.
 */
export function splitBudget(currentParts: readonly Micros[], newTotal: Micros): Micros[] {
  if (currentParts.length === 0) return [];
  const currentTotal = currentParts.reduce((sum, part) => sum + part, 0);
  const parts = currentParts
    .slice(0, -1)
    .map((part) =>
      currentTotal > 0
        ? scaleToCents(newTotal, part, currentTotal, 'half-up')
        : scaleToCents(newTotal, 1, currentParts.length, 'half-up'),
    );
  return [...parts, newTotal - parts.reduce((sum, part) => sum + part, 0)];
}
