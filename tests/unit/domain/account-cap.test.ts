import { describe, expect, it } from 'vitest';
import { defaultGuardrailSettings, limitRun } from '../../../shared/domain/guardrails.ts';

const EURO = 1_000_000;
const A = '1111111111';
const B = '2222222222';

describe('the account daily cap', () => {
  const settings = { ...defaultGuardrailSettings, accountDailyCapMicros: { [B]: 250 * EURO } };

  it('counts each budget of a segment toward the account that owns it', () => {
    // Segment "spans" has €100 in A (no cap) and €100 in B, where "local" holds €80 more; B's cap
    // is €250. Raising "spans" to €300 would put €150 + €80 in B: allowed. To €400: €200 + €80, over.
    const [spans] = limitRun(
      [
        {
          segmentId: 'spans',
          accountId: A,
          budgets: [
            { accountId: A, currentMicros: 100 * EURO },
            { accountId: B, currentMicros: 100 * EURO },
          ],
          oldMicros: 200 * EURO,
          newMicros: 400 * EURO,
          priority: 1,
        },
        { segmentId: 'local', accountId: B, oldMicros: 80 * EURO, newMicros: 80 * EURO, priority: 0 },
      ],
      settings,
    );
    // B has €70 of room: the B half of the raise may be €70, so the segment goes to €340.
    expect(spans).toEqual({ segmentId: 'spans', newMicros: 340 * EURO, reason: 'account_cap' });
  });

  it('leaves a raise alone when only an account without a cap owns it', () => {
    const [spans] = limitRun(
      [
        {
          segmentId: 'spans',
          accountId: B,
          budgets: [{ accountId: A, currentMicros: 200 * EURO }],
          oldMicros: 200 * EURO,
          newMicros: 400 * EURO,
          priority: 1,
        },
        { segmentId: 'local', accountId: B, oldMicros: 240 * EURO, newMicros: 240 * EURO, priority: 0 },
      ],
      settings,
    );
    expect(spans).toEqual({ segmentId: 'spans', newMicros: 400 * EURO, reason: null });
  });
});
