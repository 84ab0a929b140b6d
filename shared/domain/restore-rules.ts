import { type GuardrailSettings, limitSegmentBudget } from './guardrails.ts';
import { formatEuros, type Micros } from './money.ts';

/**
 * Restoring a night: every budget it changed goes back to its value before the night, unless it
 * was changed since (by hand, or by a later night): then it is left alone, and the reason said.
 */
export interface NightChange {
  readonly segmentId: string;
  readonly code: string;
  readonly paused: boolean;
  /** The budget before the night and what the night set. */
  readonly beforeMicros: Micros;
  readonly setMicros: Micros;
  /** The sum of the segment's budgets now; null when the ads account does not show them all. */
  readonly currentMicros: Micros | null;
}

export type RestorePlan =
  | {
      readonly segmentId: string;
      readonly code: string;
      readonly kind: 'restore';
      readonly oldMicros: Micros;
      readonly newMicros: Micros;
      readonly clamped: boolean;
      readonly explanation: string;
    }
  | {
      readonly segmentId: string;
      readonly code: string;
      readonly kind: 'skip';
      readonly explanation: string;
    };

export function planRestores(
  night: string,
  changes: readonly NightChange[],
  settings: GuardrailSettings,
): RestorePlan[] {
  return changes.map((change): RestorePlan => {
    const { segmentId, code, currentMicros, beforeMicros, setMicros } = change;
    const skip = (explanation: string): RestorePlan => ({ segmentId, code, kind: 'skip', explanation });
    if (settings.killSwitch) return skip('not restored: the kill switch is on');
    if (change.paused) return skip('not restored: the segment is paused');
    if (currentMicros === null)
      return skip('not restored: a mapped campaign has no budget in the ads account');
    if (currentMicros === beforeMicros)
      return skip(
        `not restored: the budget already is ${formatEuros(beforeMicros)}, its value before ${night}`,
      );
    if (currentMicros !== setMicros)
      return skip(
        `not restored: changed since ${night} (the night set ${formatEuros(setMicros)}, now ${formatEuros(currentMicros)})`,
      );
    // The budget range holds as for any change. The ±20% step does not: undoing a −20% night is
    // +25%, and an undo is a return to a budget that ran the night before, not a new step.
    const limited = limitSegmentBudget(
      { oldMicros: currentMicros, desiredMicros: beforeMicros, capacityTotalLeads: Number.POSITIVE_INFINITY },
      { ...settings, maxDailyChange: 1, minChangeMicros: 0, minChangeFraction: 0 },
    );
    if (limited.newMicros === currentMicros)
      return skip(`not restored: the budget range keeps it at ${formatEuros(currentMicros)}`);
    const clamped = limited.newMicros !== beforeMicros;
    return {
      segmentId,
      code,
      kind: 'restore',
      oldMicros: currentMicros,
      newMicros: limited.newMicros,
      clamped,
      explanation: `restored: the budget before ${night} was ${formatEuros(beforeMicros)}${
        clamped ? `; limited to ${formatEuros(limited.newMicros)} by the budget range` : ''
      }`,
    };
  });
}
