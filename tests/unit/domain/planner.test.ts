import { describe, expect, it } from 'vitest';
import { type PlanInput, planSegment, planSegments } from '../../../shared/domain/planner.ts';

const base: PlanInput = {
  segmentId: 'seg-1',
  date: '2026-11-24',
  isActive: true,
  capacityTotalLeads: 10,
  actualLeads: 5,
  recentLeads: 35,
  recentDays: 7,
};

describe('planSegment', () => {
  it('targets capacity × 0.8 by default and measures the gap on the 7-day average', () => {
    expect(planSegment(base)).toEqual({
      segmentId: 'seg-1',
      date: '2026-11-24',
      capacityTotalLeads: 10,
      targetUtilization: 0.8,
      targetLeadsPerDay: 8,
      targetSource: 'capacity',
      overrideId: null,
      actualLeads: 5,
      recentLeadsPerDay: 5,
      leadGap: 3,
      leadGapPercentage: 37.5,
    });
  });

  it('measures the gap on the recent average, not on one day, so it agrees with the controller', () => {
    // Yesterday 12 leads (a lucky day), the week 35: the gap is +37.5%, not −50%.
    expect(planSegment({ ...base, actualLeads: 12 })).toMatchObject({
      leadGap: 3,
      leadGapPercentage: 37.5,
    });
    expect(planSegment({ ...base, recentLeads: 40 })).toMatchObject({
      recentLeadsPerDay: 5.71,
      leadGap: 2.29,
      leadGapPercentage: 28.63,
    });
  });

  it('keeps a fractional target: a capacity of 1.0 is a target of 0.80 a day, not 0', () => {
    expect(planSegment({ ...base, capacityTotalLeads: 1, recentLeads: 3 })).toMatchObject({
      targetLeadsPerDay: 0.8,
      recentLeadsPerDay: 0.43,
      leadGap: 0.37,
      leadGapPercentage: 46.25,
    });
  });

  it('multiplies capacity and utilization exactly, where floats would fall below the hundredth', () => {
    // In floats 100 × 0.29 is 28.999999999999996 and 3 × 0.7 is 2.0999999999999996.
    expect(
      planSegment({ ...base, capacityTotalLeads: 100, targetUtilization: 0.29 })?.targetLeadsPerDay,
    ).toBe(29);
    expect(
      planSegment({ ...base, capacityTotalLeads: '3.00', targetUtilization: '0.700' })?.targetLeadsPerDay,
    ).toBe(2.1);
    expect(
      planSegment({ ...base, capacityTotalLeads: '12.55', targetUtilization: 0.8 })?.targetLeadsPerDay,
    ).toBe(10.04);
    expect(
      planSegment({ ...base, capacityTotalLeads: '12.55', targetUtilization: 0.333 })?.targetLeadsPerDay,
    ).toBe(4.17);
  });

  it('lets an active override win over capacity, including an override of zero', () => {
    const plan = planSegment({ ...base, override: { id: 'ov-1', targetLeadsPerDay: 20 } });
    expect(plan).toMatchObject({
      targetLeadsPerDay: 20,
      targetSource: 'override',
      overrideId: 'ov-1',
      leadGap: 15,
    });
    const zero = planSegment({ ...base, override: { id: 'ov-2', targetLeadsPerDay: 0 } });
    expect(zero).toMatchObject({ targetLeadsPerDay: 0, targetSource: 'override', leadGap: -5 });
  });

  it('gives zero capacity a target of zero and the whole actual as surplus', () => {
    const plan = planSegment({ ...base, capacityTotalLeads: 0, recentLeads: 28 });
    expect(plan).toMatchObject({ targetLeadsPerDay: 0, leadGap: -4, leadGapPercentage: -100 });
  });

  it('reports a 0% gap when target and actual are both zero', () => {
    expect(planSegment({ ...base, capacityTotalLeads: 0, recentLeads: 0 })?.leadGapPercentage).toBe(0);
  });

  it('plans a segment that had no leads at all', () => {
    expect(planSegment({ ...base, actualLeads: 0, recentLeads: 0 })).toMatchObject({
      actualLeads: 0,
      leadGap: 8,
      leadGapPercentage: 100,
    });
  });

  it('rounds the gap percentage to two decimals, half away from zero', () => {
    // target 8: gap −1 → −12.5%; target 7, actual 8 → −14.285…% → −14.29
    expect(planSegment({ ...base, recentLeads: 63 })?.leadGapPercentage).toBe(-12.5);
    expect(
      planSegment({ ...base, override: { id: 'o', targetLeadsPerDay: 7 }, recentLeads: 56 })
        ?.leadGapPercentage,
    ).toBe(-14.29);
    expect(
      planSegment({ ...base, override: { id: 'o', targetLeadsPerDay: 3 }, recentLeads: 7 })
        ?.leadGapPercentage,
    ).toBe(66.67);
    // target 32, gap ±1 → ±3.125% exactly: halves round away from zero on both sides.
    expect(
      planSegment({ ...base, override: { id: 'o', targetLeadsPerDay: 32 }, recentLeads: 217 })
        ?.leadGapPercentage,
    ).toBe(3.13);
    expect(
      planSegment({ ...base, override: { id: 'o', targetLeadsPerDay: 32 }, recentLeads: 231 })
        ?.leadGapPercentage,
    ).toBe(-3.13);
  });

  it('gives an inactive segment no plan', () => {
    expect(planSegment({ ...base, isActive: false })).toBeNull();
    expect(
      planSegments([base, { ...base, segmentId: 'seg-2', isActive: false }]).map((plan) => plan.segmentId),
    ).toEqual(['seg-1']);
  });

  it('rejects input it cannot plan exactly', () => {
    expect(() => planSegment({ ...base, targetUtilization: 0 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, targetUtilization: 1.2 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, capacityTotalLeads: 1.234 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, capacityTotalLeads: -1 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, actualLeads: 1.5 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, recentDays: 0 })).toThrow(RangeError);
    expect(() => planSegment({ ...base, date: '2026-02-30' })).toThrow(RangeError);
  });
});
