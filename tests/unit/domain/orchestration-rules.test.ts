import { describe, expect, it } from 'vitest';
import { renderReason } from '../../../shared/domain/decision-reason.ts';
import {
  needsDecision,
  orchestrationCounts,
  type RecordedDecision,
  reconcileSegment,
  type SegmentState,
  unsentStatus,
} from '../../../shared/domain/orchestration-rules.ts';

const claimed: RecordedDecision = {
  status: 'applying',
  oldMicros: 50_000_000,
  newMicros: 60_000_000,
  actionType: 'budget_increase',
  explanation: 'raise to reach the target; limited to +20% a day',
  settlesAs: 'clamped',
};

const state = (overrides: Partial<SegmentState> = {}): SegmentState => ({
  mappedCampaigns: 1,
  campaignsWithBudget: 1,
  foreignCurrency: undefined,
  usesSharedBudget: false,
  currentMicros: 50_000_000,
  decision: null,
  lastSetMicros: 50_000_000,
  paused: false,
  killSwitch: false,
  ...overrides,
});

describe('needsDecision', () => {
  it('reopens a claimed or failed change on a live run, never a settled one', () => {
    expect(needsDecision(null, 'live')).toBe(true);
    expect(needsDecision(claimed, 'live')).toBe(true);
    expect(needsDecision({ ...claimed, status: 'failed' }, 'live')).toBe(true);
    for (const status of ['applied', 'clamped', 'adopted', 'skipped', 'not_sent'])
      expect(needsDecision({ ...claimed, status }, 'live')).toBe(false);
  });

  it('lets a run for a past date log only where nothing is recorded', () => {
    expect(needsDecision(null, 'history')).toBe(true);
    expect(needsDecision(claimed, 'history')).toBe(false);
    expect(needsDecision({ ...claimed, status: 'failed' }, 'history')).toBe(false);
  });
});

describe('reconcileSegment', () => {
  it('decides a segment whose budget is as LFI left it', () => {
    expect(reconcileSegment(state())).toEqual({ kind: 'decide' });
  });

  it('settles a change that landed as the status it was claimed with: clamped stays clamped', () => {
    expect(reconcileSegment(state({ currentMicros: 60_000_000, decision: claimed }))).toEqual({
      kind: 'settle',
      status: 'clamped',
      oldMicros: 50_000_000,
      actionType: 'budget_increase',
      explanation: claimed.explanation,
    });
    expect(
      reconcileSegment(state({ currentMicros: 60_000_000, decision: { ...claimed, settlesAs: null } })),
    ).toMatchObject({ kind: 'settle', status: 'applied' });
  });

  it('adopts a budget changed by hand, unless paused or with the kill switch on', () => {
    const adopted = reconcileSegment(state({ currentMicros: 70_000_000 }));
    expect(adopted).toMatchObject({ kind: 'adopt', lastSetMicros: 50_000_000 });
    expect(adopted.kind === 'adopt' && renderReason(adopted.reason)).toMatch(/LFI set €50\.00, now €70\.00/);
    expect(reconcileSegment(state({ currentMicros: 70_000_000, paused: true }))).toEqual({ kind: 'decide' });
    expect(reconcileSegment(state({ currentMicros: 70_000_000, killSwitch: true }))).toEqual({
      kind: 'decide',
    });
  });

  it('skips what LFI cannot change, saying why', () => {
    const why = (reconciled: ReturnType<typeof reconcileSegment>) =>
      reconciled.kind === 'skip' ? renderReason(reconciled.reason) : reconciled.kind;
    expect(why(reconcileSegment(state({ campaignsWithBudget: 0 })))).toMatch(/no budget/);
    expect(why(reconcileSegment(state({ foreignCurrency: 'USD' })))).toMatch(/bills in USD/);
    expect(why(reconcileSegment(state({ usesSharedBudget: true })))).toMatch(/shared budget/);
  });
});

describe('unsentStatus', () => {
  it('records a dry run as dry_run, a past date as not_sent, and a live run as sent', () => {
    expect(unsentStatus('live', true)).toBe('dry_run');
    expect(unsentStatus('history', true)).toBe('dry_run');
    expect(unsentStatus('history', false)).toBe('not_sent');
    expect(unsentStatus('live', false)).toBeNull();
  });
});

describe('what a night reports', () => {
  it('counts a raise or cut the night decided, whether sent, clamped, a dry run or not sent; never a failed or skipped one', () => {
    const outcomes = [
      { status: 'applied', actionType: 'budget_increase' },
      { status: 'clamped', actionType: 'budget_increase' },
      { status: 'dry_run', actionType: 'budget_decrease' },
      { status: 'not_sent', actionType: 'budget_decrease' },
      { status: 'failed', actionType: 'budget_increase' },
      { status: 'skipped', actionType: 'no_change' },
      { status: 'adopted', actionType: 'no_change' },
    ];
    expect(orchestrationCounts(outcomes, { segments: 9, alreadyDecided: 2, notSent: 1 })).toEqual({
      segments: 9,
      already_decided: 2,
      increased: 2,
      decreased: 2,
      skipped: 1,
      failed: 1,
      not_sent: 1,
    });
  });
});
