import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussian, randomFor, uniform } from '../../../shared/ads/simulated-random.ts';
import {
  absorbableSpendMicros,
  expectedDay,
  leadsForSpend,
  lognormalFactor,
  lostImpressionShare,
  marginalCostMicrosAt,
  marketDay,
  PACE,
  type SegmentEconomics,
  softCap,
} from '../../../shared/simulation/market-model.ts';

// Painters: €12 a lead at 8 leads a day, elasticity 0.7, at most 20 leads a day.
const painters: SegmentEconomics = {
  costPerLeadMicros: 12_000_000,
  referenceLeadsPerDay: 8,
  elasticity: 0.7,
  demandCeilingLeadsPerDay: 20,
};
const weekday = { weekdayFactor: 1, costFactor: 1 };
const euros = (n: number) => n * 1_000_000;

describe('the scenario market model', () => {
  it('buys the reference volume at the reference cost per lead', () => {
    // Well below the ceiling the soft cap takes off only a little.
    expect(leadsForSpend(painters, weekday, euros(96))).toBeCloseTo(8, 0);
    expect(leadsForSpend(painters, weekday, euros(96))).toBeLessThan(8);
  });

  it('gives more leads for more spend, each euro buying fewer than the one before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 1, max: 500 }), (spend, extra) => {
        const at = (s: number) => leadsForSpend(painters, weekday, euros(s));
        const gain = at(spend + extra) - at(spend);
        const nextGain = at(spend + 2 * extra) - at(spend + extra);
        expect(gain).toBeGreaterThan(0);
        expect(nextGain).toBeLessThan(gain);
      }),
    );
  });

  it('never gives more expected leads than the demand ceiling, however much is spent', () => {
    for (const spend of [100, 1_000, 10_000, 1_000_000]) {
      expect(leadsForSpend(painters, weekday, euros(spend))).toBeLessThan(20);
    }
    expect(leadsForSpend(painters, weekday, euros(100_000))).toBeGreaterThan(19.9);
    expect(softCap(1e9, 20)).toBeLessThanOrEqual(20);
  });

  it('scales leads and the ceiling by the weekday factor', () => {
    const saturday = { weekdayFactor: 0.5, costFactor: 1 };

    expect(leadsForSpend(painters, saturday, euros(40))).toBeCloseTo(
      0.5 * leadsForSpend(painters, weekday, euros(40)),
      1,
    );
    expect(leadsForSpend(painters, saturday, euros(100_000))).toBeLessThan(10);
  });

  it('makes every lead dearer after a cost shock', () => {
    const shocked = { weekdayFactor: 1, costFactor: 1.6 };

    expect(leadsForSpend(painters, shocked, euros(96))).toBeCloseTo(
      leadsForSpend(painters, weekday, euros(96)) * 1.6 ** -0.7,
      1,
    );
  });

  it('spends at most the budget, in whole cents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (cents, pace) => {
          const budget = cents * 10_000;
          const day = marketDay(painters, weekday, budget, pace);
          expect(day.spendMicros).toBeLessThanOrEqual(budget);
          expect(day.spendMicros % 10_000).toBe(0);
          expect(day.spendMicros).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('stops spending where demand runs out: spend stops growing and no impressions are lost to the budget', () => {
    const absorbable = absorbableSpendMicros(painters, weekday);
    const atAbsorbable = expectedDay(painters, weekday, Math.ceil(absorbable / PACE.min / 10_000) * 10_000);
    const farAbove = expectedDay(painters, weekday, euros(1_000));

    expect(absorbable).toBeLessThan(euros(1_000));
    expect(farAbove.spendMicros).toBe(atAbsorbable.spendMicros);
    expect(farAbove.leads).toBeCloseTo(atAbsorbable.leads, 6);
    expect(farAbove.lostImpressionShare).toBe(0);
    expect(expectedDay(painters, weekday, euros(50)).lostImpressionShare).toBeGreaterThan(0.5);
  });

  it('loses fewer impressions to the budget as the budget grows', () => {
    const absorbable = absorbableSpendMicros(painters, weekday);
    const shares = [10, 50, 100, 200, 400, 700].map((b) => lostImpressionShare(euros(b), absorbable));

    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(lostImpressionShare(euros(700), absorbable)).toBe(0);
    expect(lostImpressionShare(0, absorbable)).toBe(1);
  });

  it('counts the spend the exhausted demand wasted, and almost none well below the ceiling', () => {
    const below = expectedDay(painters, weekday, euros(50));
    const above = expectedDay(painters, weekday, euros(1_000));

    expect(below.spendAboveCeilingMicros / below.spendMicros).toBeLessThan(0.01);
    expect(above.spendAboveCeilingMicros / above.spendMicros).toBeGreaterThan(0.2);
  });

  it('expects the leads a noisy market gives on average, not those at its average cost', () => {
    // The mean of many realized days (cost noise of log-σ 0.35, pace uniform) is the expectation.
    const sigma = 0.35;
    const random = randomFor('expected-day', 11);
    const draws = 100_000;
    for (const budget of [euros(80), euros(400)]) {
      let leads = 0;
      for (let i = 0; i < draws; i++) {
        const noise = lognormalFactor(sigma, gaussian(random));
        const pace = uniform(random, PACE.min, PACE.max);
        leads += marketDay(painters, { ...weekday, costFactor: noise }, budget, pace).leads;
      }
      const expected = expectedDay(painters, weekday, budget, sigma).leads;
      expect(expected / (leads / draws)).toBeCloseTo(1, 2);
    }
    // At €80 the curve is far from the ceiling: noise adds about e(1 + e)σ²/2 ≈ 7%.
    expect(expectedDay(painters, weekday, euros(80), sigma).leads).toBeGreaterThan(
      1.05 * expectedDay(painters, weekday, euros(80)).leads,
    );
  });

  it('prices one more lead: spend ÷ (elasticity × leads) well below the ceiling, more near it, none beyond, nothing for none', () => {
    // 4 leads take 96 × 0.5^(1/0.7) ≈ €35.7: one more costs about 35.7 / (0.7 × 4) ≈ €12.74.
    const spendFor4 = euros(96) * 0.5 ** (1 / 0.7);
    expect(marginalCostMicrosAt(painters, weekday, 4) / (spendFor4 / (0.7 * 4))).toBeCloseTo(1, 2);
    const costs = [4, 8, 12, 16].map((leads) => marginalCostMicrosAt(painters, weekday, leads));
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(marginalCostMicrosAt(painters, weekday, 25)).toBe(Number.POSITIVE_INFINITY);
    expect(marginalCostMicrosAt(painters, weekday, 0)).toBe(0);
  });

  it('buys nothing with no budget', () => {
    expect(expectedDay(painters, weekday, 0)).toEqual({
      spendMicros: 0,
      leads: 0,
      lostImpressionShare: 1,
      spendAboveCeilingMicros: 0,
    });
  });
});
