import { type Micros, roundToCents } from './money.ts';

/**
 * Spreads a segment's new budget over its campaigns in proportion to their current budgets (all
 * equal when they are all 0), in whole cents; the last campaign takes the rounding remainder so
 * the parts always add up to the total.
 */
export function splitBudget(currentParts: readonly Micros[], newTotal: Micros): Micros[] {
  if (currentParts.length === 0) return [];
  const currentTotal = currentParts.reduce((sum, part) => sum + part, 0);
  const shares = currentParts.map((part) =>
    currentTotal > 0 ? part / currentTotal : 1 / currentParts.length,
  );
  const parts = shares.slice(0, -1).map((share) => roundToCents(Math.round(newTotal * share)));
  return [...parts, newTotal - parts.reduce((sum, part) => sum + part, 0)];
}
