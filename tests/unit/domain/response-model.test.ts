import { describe, expect, it } from 'vitest';
import {
  expectedLeads,
  fitResponseModel as fitOrNull,
  type ModelSettings,
  type SegmentDay,
} from '../../../shared/domain/response-model.ts';

/** The controller's default model settings (elasticity 0.8, half-life 28 days, a shift a month, in conversion a year). */
const settings: ModelSettings = {
  elasticity: 0.8,
  halfLifeDays: 28,
  priorLeads: 5,
  changeRate: 1 / 30,
  conversionChangeRate: 1 / 365,
};

/** The model of a history that has one (every history here does). */
function fitResponseModel(history: SegmentDay[], priorCostPerLead: number, modelSettings: ModelSettings) {
  const model = fitOrNull(history, priorCostPerLead, modelSettings);
  if (!model) throw new Error('expected a model for a history with spend');
  return model;
}

/** Days at a spend, each with the leads `leadsAt(spend, day)` gives (rounded: no luck involved). */
function days(spans: readonly { days: number; spendEuros: number; leads: (day: number) => number }[]) {
  const out: SegmentDay[] = [];
  for (const span of spans)
    for (let i = 0; i < span.days; i++)
      out.push({
        date: `d${out.length}`,
        leads: Math.round(span.leads(out.length)),
        spendMicros: span.spendEuros * 1_000_000,
        budgetMicros: span.spendEuros * 1_000_000,
        budgetLostImpressionShare: null,
      });
  return out;
}

/** Uniform numbers in [0, 1), seeded (a linear congruential stream). */
function uniformStream(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** Poisson counts around a mean, seeded (Knuth's method on a uniform stream). */
function poisson(mean: number, seed = 7) {
  const uniform = uniformStream(seed);
  return () => {
    let k = 0;
    for (let p = uniform(); p > Math.exp(-mean); p *= uniform()) k += 1;
    return k;
  };
}

describe('the response model', () => {
  it('believes a shift in level in full once a week of days confirms it', () => {
    // 12 leads a day at €150 for 40 days, then a competitor: 8 a day at the same spend.
    const history = days([
      { days: 40, spendEuros: 150, leads: poisson(12) },
      { days: 7, spendEuros: 150, leads: poisson(8, 11) },
    ]);
    const model = fitResponseModel(history, 12.5, settings);
    expect(expectedLeads(model, 150)).toBeGreaterThan(7.2);
    expect(expectedLeads(model, 150)).toBeLessThan(8.8);
  });

  it('is barely moved by one odd day', () => {
    const history = days([
      { days: 40, spendEuros: 150, leads: poisson(12) },
      { days: 1, spendEuros: 150, leads: () => 24 },
    ]);
    const model = fitResponseModel(history, 12.5, settings);
    expect(expectedLeads(model, 150)).toBeLessThan(13.2);
  });

  it('judges today’s spend by the days spent near it when its elasticity is off', () => {
    // The market's elasticity is 0.6, the setting 0.8: 40 days at €200, then the budget halved.
    const leadsAt = (spend: number) => 10 * (spend / 200) ** 0.6;
    const history = days([
      { days: 40, spendEuros: 200, leads: () => leadsAt(200) * 10 },
      { days: 10, spendEuros: 100, leads: () => leadsAt(100) * 10 },
    ]);
    const model = fitResponseModel(history, 20, settings);
    // Extrapolated from the €200 days with 0.8, €100 would bring 15% too few.
    expect(expectedLeads(model, 100) / (leadsAt(100) * 10)).toBeGreaterThan(0.95);
  });

  it('knows how far it may be off: more days, a smaller error', () => {
    const few = fitResponseModel(days([{ days: 7, spendEuros: 150, leads: poisson(12) }]), 12.5, settings);
    const many = fitResponseModel(days([{ days: 56, spendEuros: 150, leads: poisson(12) }]), 12.5, settings);
    expect(many.relativeError).toBeLessThan(few.relativeError * 0.6);
    expect(many.relativeError).toBeGreaterThan(0.02);
  });

  it('stays finite when today’s spend is a cent and the other days a thousand times more', () => {
    const history = [
      ...days([{ days: 2, spendEuros: 850, leads: () => 20 }]),
      ...days([{ days: 1, spendEuros: 0.01, leads: () => 0 }]),
    ];
    const model = fitResponseModel(history, 25, settings);
    expect(Number.isFinite(model.scale)).toBe(true);
    expect(Number.isFinite(model.relativeError)).toBe(true);
  });

  it('keeps the days without leads that noisy counts produce, so its level is not biased upward', () => {
    // Six leads a day on average, but counts that swing from 0 to 12 (variance ≈ 3× the mean):
    // a day without leads happens here every few days and is market, not a tracking outage.
    const swings = [0, 12, 6, 9, 3, 12, 0, 6, 9, 3, 6, 12, 0, 6];
    const history = days([{ days: 28, spendEuros: 100, leads: (day) => swings[day % swings.length] ?? 0 }]);
    const mean = history.reduce((sum, day) => sum + day.leads, 0) / history.length;
    const model = fitResponseModel(history, 100 / mean, settings);
    expect(model.dispersion).toBeGreaterThan(2);
    expect(expectedLeads(model, 100) / mean).toBeCloseTo(1, 1);
  });

  it('still leaves out a day without leads where steady counts make one all but impossible', () => {
    const history = days([{ days: 28, spendEuros: 100, leads: (day) => (day === 20 ? 0 : 8) }]);
    const model = fitResponseModel(history, 12.5, settings);
    expect(expectedLeads(model, 100)).toBeCloseTo(8, 0);
  });
});

describe('the response model through clicks', () => {
  /** Days at €100 whose clicks are Poisson around `clicksAt(day)` and leads one in ten of them. */
  function clickDays(count: number, clicksAt: (day: number) => number, seed = 5): SegmentDay[] {
    const clicks = poisson(1, seed);
    const uniform = uniformStream(seed * 7919);
    return Array.from({ length: count }, (_, day) => {
      const mean = clicksAt(day);
      let n = 0;
      for (let i = 0; i < mean; i++) n += clicks(); // a sum of Poisson(1)s: Poisson(mean) for whole means
      let leads = 0;
      for (let i = 0; i < n; i++) if (uniform() < 0.1) leads += 1;
      return {
        date: `d${day}`,
        leads,
        clicks: n,
        spendMicros: 100_000_000,
        budgetMicros: 100_000_000,
        budgetLostImpressionShare: null,
      };
    });
  }
  const withoutClicks = (history: SegmentDay[]) => history.map((day) => ({ ...day, clicks: null }));

  it('sees a drop in clicks within days, where the few leads cannot tell it yet', () => {
    // 8 leads a day from 80 clicks for 40 days; then clicks cost more: 50 clicks, 5 leads a day.
    const history = clickDays(45, (day) => (day < 40 ? 80 : 50));

    const funnel = fitResponseModel(history, 12.5, settings);
    const leadsOnly = fitResponseModel(withoutClicks(history), 12.5, settings);

    expect(expectedLeads(funnel, 100)).toBeGreaterThan(4.5);
    expect(expectedLeads(funnel, 100)).toBeLessThan(5.8);
    expect(expectedLeads(leadsOnly, 100)).toBeGreaterThan(6.5);
  });

  it('still follows the leads within two weeks when the clicks do not show a shift', () => {
    // 80 clicks a day throughout; their leads fall from one in ten to one in sixteen after day 40.
    const steadyClicks = clickDays(54, () => 80);
    const fewer = poisson(5, 13);
    const history = steadyClicks.map((day, n) => (n < 40 ? day : { ...day, leads: fewer() }));

    const funnel = fitResponseModel(history, 12.5, settings);
    const leadsOnly = fitResponseModel(withoutClicks(history), 12.5, settings);

    expect(expectedLeads(funnel, 100)).toBeLessThan(0.85 * 8);
    expect(expectedLeads(funnel, 100)).toBeLessThan(1.1 * expectedLeads(leadsOnly, 100));
  });

  it('knows the level better through clicks that carry news the leads do not', () => {
    const history = clickDays(40, () => 80);

    const funnel = fitResponseModel(history, 12.5, settings);
    const leadsOnly = fitResponseModel(withoutClicks(history), 12.5, settings);

    expect(expectedLeads(funnel, 100)).toBeGreaterThan(7);
    expect(expectedLeads(funnel, 100)).toBeLessThan(9);
    expect(funnel.relativeError).toBeLessThan(leadsOnly.relativeError);
  });

  it('claims no more certainty where clicks are only the leads times ten', () => {
    const history = days([{ days: 40, spendEuros: 100, leads: poisson(8) }]);
    const tenfold = history.map((day) => ({ ...day, clicks: day.leads * 10 }));

    const funnel = fitResponseModel(tenfold, 12.5, settings);
    const leadsOnly = fitResponseModel(history, 12.5, settings);

    expect(funnel.relativeError).toBeGreaterThanOrEqual(leadsOnly.relativeError * 0.95);
    expect(expectedLeads(funnel, 100)).toBeCloseTo(expectedLeads(leadsOnly, 100), 0);
  });

  it('reads leads alone where the channel reports no clicks, or fewer clicks than leads', () => {
    const history = days([{ days: 40, spendEuros: 100, leads: poisson(8) }]);
    const leadsOnly = fitResponseModel(history, 12.5, settings);

    for (const clicks of [0, 4]) {
      const model = fitResponseModel(
        history.map((day) => ({ ...day, clicks })),
        12.5,
        settings,
      );
      expect(model).toEqual(leadsOnly);
    }
  });
});
