import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CampaignEconomics,
  campaignEconomics,
  leadSecondOfDay,
  MAX_OVERDELIVERY,
  postcodeIn,
  REGION_PROFILES,
  regionProfile,
  simulateCampaignDay,
  weekdayIndex,
} from '../../../shared/ads/simulated-economics.ts';
import { randomFor } from '../../../shared/ads/simulated-random.ts';
import { addDays } from '../../../shared/domain/business-day.ts';

const painter: CampaignEconomics = { cpcMicros: 1_200_000, conversionRate: 0.08, marketClicks: 600 };

/** Average result of a budget over many days (each day its own stream). */
function average(economics: CampaignEconomics, budgetMicros: number, days = 200) {
  let cost = 0;
  let clicks = 0;
  let conversions = 0;
  for (let i = 0; i < days; i++) {
    const date = addDays('2026-01-05', i);
    const day = simulateCampaignDay(economics, budgetMicros, date, randomFor('avg', date));
    cost += day.costMicros;
    clicks += day.clicks;
    conversions += day.conversions;
  }
  return { cost: cost / days, clicks: clicks / days, conversions: conversions / days };
}

describe('a simulated campaign day', () => {
  it('never spends more than the budget times the documented overdelivery, in whole cents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }).map((cents) => cents * 10_000),
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 100_000, max: 5_000_000 }),
        fc.integer({ min: 5, max: 5000 }),
        (budgetMicros, dayOffset, cpcMicros, marketClicks) => {
          const date = addDays('2026-01-01', dayOffset);
          const economics = { cpcMicros, conversionRate: 0.07, marketClicks };
          const day = simulateCampaignDay(economics, budgetMicros, date, randomFor('prop', date));
          expect(day.costMicros).toBeLessThanOrEqual(budgetMicros * MAX_OVERDELIVERY);
          expect(day.costMicros % 10_000).toBe(0);
          expect(day.conversions).toBeLessThanOrEqual(day.clicks);
          expect(day.searchBudgetLostImpressionShare).toBeGreaterThanOrEqual(0);
          expect(day.searchBudgetLostImpressionShare).toBeLessThanOrEqual(1);
          const inTenThousandths = day.searchBudgetLostImpressionShare * 10_000;
          expect(Math.abs(inTenThousandths - Math.round(inTenThousandths))).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it('spends, clicks and converts nothing on a zero budget, losing every search to it', () => {
    for (let i = 0; i < 30; i++) {
      const date = addDays('2026-03-01', i);
      expect(simulateCampaignDay(painter, 0, date, randomFor('zero', date))).toEqual({
        costMicros: 0,
        clicks: 0,
        conversions: 0,
        searchBudgetLostImpressionShare: 1,
      });
    }
  });

  it('loses searches to a small budget, fewer to a larger one, and none once demand runs out', () => {
    const date = '2026-03-04';
    const lostShare = (euros: number) =>
      simulateCampaignDay(painter, euros * 1_000_000, date, randomFor('lost', date))
        .searchBudgetLostImpressionShare;
    // The painter's market: ~600 clicks at €1.20, all of it spendable below ~€1,800 a day.
    const shares = [20, 100, 300, 700].map(lostShare);

    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeLessThan(shares[i - 1] ?? 1);
    expect(shares[0]).toBeGreaterThan(0.9);
    expect(shares.at(-1)).toBeGreaterThan(0);
    expect(lostShare(5000)).toBe(0); // spent far below its budget: demand, not budget, limited it
  });

  it('spends roughly the budget on a weekday, and less at the weekend', () => {
    const weekdays = { spend: 0, days: 0 };
    const weekend = { spend: 0, days: 0 };
    for (let i = 0; i < 140; i++) {
      const date = addDays('2026-01-05', i);
      const day = simulateCampaignDay(painter, 100_000_000, date, randomFor('dow', date));
      const bucket = weekdayIndex(date) >= 5 ? weekend : weekdays;
      bucket.spend += day.costMicros;
      bucket.days++;
    }
    const weekdayShare = weekdays.spend / weekdays.days / 100_000_000;
    expect(weekdayShare).toBeGreaterThan(0.85);
    expect(weekdayShare).toBeLessThanOrEqual(MAX_OVERDELIVERY);
    expect(weekend.spend / weekend.days).toBeLessThan(weekdays.spend / weekdays.days);
  });

  it('brings more leads for more budget on average, with diminishing returns per euro', () => {
    const budgets = [20, 50, 100, 200, 400, 800].map((euros) => euros * 1_000_000);
    const results = budgets.map((budget) => average(painter, budget));
    for (let i = 1; i < results.length; i++) {
      const [before, after] = [results[i - 1], results[i]];
      if (!before || !after) throw new Error('missing result');
      expect(after.conversions).toBeGreaterThan(before.conversions);
      expect(after.clicks / after.cost).toBeLessThan(before.clicks / before.cost);
    }
  });
});

describe('hidden economics', () => {
  it('makes a heat pump lead cost more than a painter lead in the same province', () => {
    const costPerLead = (e: CampaignEconomics) => e.cpcMicros / e.conversionRate;
    const heatPump = campaignEconomics(42, 'a', 'warmtepomp', 'utrecht');
    const paint = campaignEconomics(42, 'b', 'schilder', 'utrecht');
    expect(costPerLead(heatPump)).toBeGreaterThan(2 * costPerLead(paint));
  });

  it('is fixed by the seed and the campaign', () => {
    expect(campaignEconomics(1, 'x', 'schilder', 'zeeland')).toEqual(
      campaignEconomics(1, 'x', 'schilder', 'zeeland'),
    );
    expect(campaignEconomics(1, 'x', 'schilder', 'zeeland')).not.toEqual(
      campaignEconomics(2, 'x', 'schilder', 'zeeland'),
    );
  });
});

describe('lead details', () => {
  it('puts a lead at a second of the local day, mostly in waking hours', () => {
    const random = randomFor('seconds');
    const seconds = Array.from({ length: 5000 }, () => leadSecondOfDay(random));
    expect(seconds.every((s) => Number.isInteger(s) && s >= 0 && s < 86_400)).toBe(true);
    const night = seconds.filter((s) => s < 6 * 3600).length;
    expect(night / seconds.length).toBeLessThan(0.05);
  });

  it('gives a postcode inside a PC4 range of the province', () => {
    const random = randomFor('postcodes');
    for (const region of REGION_PROFILES) {
      for (let i = 0; i < 50; i++) {
        const postcode = postcodeIn(region.code, random);
        expect(postcode).toMatch(/^[1-9]\d{3} [A-Z]{2}$/);
        const pc4 = Number(postcode.slice(0, 4));
        expect(regionProfile(region.code).postcodes.some(([from, to]) => pc4 >= from && pc4 <= to)).toBe(
          true,
        );
      }
    }
  });

  it('counts calendar days across month ends and DST changes', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayIndex('2026-03-29')).toBe(6);
    expect(weekdayIndex('2026-03-30')).toBe(0);
  });
});
