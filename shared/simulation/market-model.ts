/**
 * The scenario market's economics, pure: how a day's budget turns into spend and leads for one
 * segment. Expected leads follow a response curve with diminishing returns,
 * w × R × (spend / (R × CPL × c))^e, softly capped by the day's demand ceiling w × D; the market
 * lets spend grow only while there is demand to buy (up to the spend at which the uncapped curve
 * would promise 1.5 × the ceiling), so a budget above that is not spent and loses no impressions.
 * Here w is the weekday factor, R the reference volume at which CPL holds, c the cost factor of
 * shocks (and, on a realized day, noise), e the elasticity and D the ceiling.
 */
import { floorToCents, type Micros } from '../domain/money.ts';

export interface SegmentEconomics {
  /** Average cost per lead at referenceLeadsPerDay, in micros. */
  readonly costPerLeadMicros: Micros;
  readonly referenceLeadsPerDay: number;
  /** 0 < e ≤ 1; below 1 each extra euro buys fewer leads. */
  readonly elasticity: number;
  readonly demandCeilingLeadsPerDay: number;
}

export interface DayConditions {
  /** Demand multiplier of the day's weekday. */
  readonly weekdayFactor: number;
  /** Cost per lead × this (shocks; on a realized day also that day's noise). */
  readonly costFactor: number;
}

export interface MarketDayOutcome {
  readonly spendMicros: Micros;
  /** Mean leads the spend buys (before count noise). */
  readonly leads: number;
  /** Share of impressions the budget left unbought (0..1); 0 once the budget exceeds demand. */
  readonly lostImpressionShare: number;
  /** Spend beyond what the response curve needed for those leads: what the exhausted demand wasted. */
  readonly spendAboveCeilingMicros: Micros;
}

/** How sharply the soft cap bends toward the ceiling: x / (1 + (x/D)^k)^(1/k). */
const SOFT_CAP_SHARPNESS = 4;
/** Spend is absorbed until the uncapped curve would promise this multiple of the ceiling. */
const ABSORBED_DEMAND = 1.5;
/** Share of the budget a budget-limited campaign spends on a day: uniform in [min, max]. */
export const PACE = { min: 0.92, max: 1.0 } as const;

/** x capped smoothly by `cap`: ≈ x well below it, approaching (never reaching) it above. */
export function softCap(x: number, cap: number): number {
  if (x <= 0) return 0;
  if (cap <= 0) return 0;
  return x / (1 + (x / cap) ** SOFT_CAP_SHARPNESS) ** (1 / SOFT_CAP_SHARPNESS);
}

/** Expected leads the curve promises for a spend, before the ceiling. */
export function uncappedLeads(economics: SegmentEconomics, day: DayConditions, spendMicros: Micros): number {
  if (spendMicros <= 0) return 0;
  const { costPerLeadMicros, referenceLeadsPerDay: r, elasticity } = economics;
  return day.weekdayFactor * r * (spendMicros / (r * costPerLeadMicros * day.costFactor)) ** elasticity;
}

/** The spend at which the uncapped curve gives `leads` (its inverse). */
export function spendForUncappedLeads(
  economics: SegmentEconomics,
  day: DayConditions,
  leads: number,
): number {
  if (leads <= 0 || day.weekdayFactor <= 0) return 0;
  const { costPerLeadMicros, referenceLeadsPerDay: r, elasticity } = economics;
  return r * costPerLeadMicros * day.costFactor * (leads / (day.weekdayFactor * r)) ** (1 / elasticity);
}

export function demandCeiling(economics: SegmentEconomics, day: DayConditions): number {
  return day.weekdayFactor * economics.demandCeilingLeadsPerDay;
}

/** Expected leads for a spend: the curve, softly capped by the day's ceiling. */
export function leadsForSpend(economics: SegmentEconomics, day: DayConditions, spendMicros: Micros): number {
  return softCap(uncappedLeads(economics, day, spendMicros), demandCeiling(economics, day));
}

/** The most the market lets the campaign spend on the day: beyond it there is no one left to reach. */
export function absorbableSpendMicros(economics: SegmentEconomics, day: DayConditions): number {
  return spendForUncappedLeads(economics, day, ABSORBED_DEMAND * demandCeiling(economics, day));
}

/**
 * A day at a budget: the campaign spends `pace` × budget (whole cents, never above the budget)
 * unless demand runs out first; the spend buys leads on the curve.
 */
export function marketDay(
  economics: SegmentEconomics,
  day: DayConditions,
  budgetMicros: Micros,
  pace: number,
): MarketDayOutcome {
  const absorbable = absorbableSpendMicros(economics, day);
  const wanted = Math.min(budgetMicros * Math.min(pace, 1), absorbable);
  const spendMicros = Math.max(0, floorToCents(Math.floor(wanted)));
  const leads = leadsForSpend(economics, day, spendMicros);
  const needed = spendForUncappedLeads(economics, day, leads);
  return {
    spendMicros,
    leads,
    lostImpressionShare: lostImpressionShare(budgetMicros, absorbable),
    spendAboveCeilingMicros: Math.max(0, Math.round(spendMicros - needed)),
  };
}

/** 1 − budget / what the market could absorb, in [0, 1], four decimals as reports give it. */
export function lostImpressionShare(budgetMicros: Micros, absorbableMicros: number): number {
  if (!(absorbableMicros > 0)) return 0;
  const share = Math.min(1, Math.max(0, 1 - budgetMicros / absorbableMicros));
  return Math.round(share * 10_000) / 10_000;
}

/**
 * The expected day at a budget, what the controller's choice is judged on: the day averaged over
 * the pace and over the day's cost noise (a mean-one lognormal of log-σ `costNoise`). The
 * noise-free day is not that mean: leads ∝ cost^−e are convex in the cost, so a noisy market
 * gives more leads on average than it does at its average cost (+9% at σ 0.35, e 0.8), and a
 * controller that hits the target on average would be judged short of it.
 */
export function expectedDay(
  economics: SegmentEconomics,
  day: DayConditions,
  budgetMicros: Micros,
  costNoise = 0,
): MarketDayOutcome {
  const sum = { spendMicros: 0, leads: 0, lostImpressionShare: 0, spendAboveCeilingMicros: 0 };
  for (const noise of noiseNodes(costNoise))
    for (const pace of PACE_NODES) {
      const outcome = marketDay(
        economics,
        { ...day, costFactor: day.costFactor * lognormalFactor(costNoise, noise.z) },
        budgetMicros,
        pace,
      );
      const weight = noise.weight / PACE_NODES.length;
      sum.spendMicros += weight * outcome.spendMicros;
      sum.leads += weight * outcome.leads;
      sum.lostImpressionShare += weight * outcome.lostImpressionShare;
      sum.spendAboveCeilingMicros += weight * outcome.spendAboveCeilingMicros;
    }
  return {
    spendMicros: Math.round(sum.spendMicros),
    leads: sum.leads,
    lostImpressionShare: Math.round(sum.lostImpressionShare * 10_000) / 10_000,
    spendAboveCeilingMicros: Math.round(sum.spendAboveCeilingMicros),
  };
}

/** The pace's uniform distribution, by the midpoints of four equal slices (leads ∝ pace^e is nearly flat). */
const PACE_NODES = Array.from({ length: 4 }, (_, i) => PACE.min + ((i + 0.5) / 4) * (PACE.max - PACE.min));

/**
 * A standard normal as weighted points: the trapezoid rule on ±6σ in steps of σ/4, weights
 * normalised (for a smooth integrand under a Gaussian it is accurate far beyond what is needed
 * here). Without noise, the single point 0.
 */
function noiseNodes(sigma: number): readonly { z: number; weight: number }[] {
  return sigma > 0 ? NORMAL_NODES : [{ z: 0, weight: 1 }];
}
const NORMAL_NODES = (() => {
  const points = Array.from({ length: 49 }, (_, i) => (i - 24) / 4);
  const densities = points.map((z) => Math.exp((-z * z) / 2));
  const total = densities.reduce((a, b) => a + b, 0);
  return points.map((z, i) => ({ z, weight: (densities[i] ?? 0) / total }));
})();

/**
 * What one more lead costs (micros) where the day's curve gives `leads`: d spend / d leads on the
 * noise-free curve (noise lowers it by a few percent); 0 for no leads (nothing is bought),
 * Infinity where the demand left cannot give them. Found by bisection: the capped curve has no
 * closed-form inverse.
 */
export function marginalCostMicrosAt(economics: SegmentEconomics, day: DayConditions, leads: number): number {
  if (!(leads > 0)) return 0;
  const most = absorbableSpendMicros(economics, day);
  if (leadsForSpend(economics, day, most) <= leads) return Number.POSITIVE_INFINITY;
  let [low, high] = [0, most];
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (leadsForSpend(economics, day, middle) < leads) low = middle;
    else high = middle;
  }
  const step = high * 1e-4;
  const slope =
    (leadsForSpend(economics, day, high + step) - leadsForSpend(economics, day, high - step)) / (2 * step);
  return slope > 0 ? 1 / slope : Number.POSITIVE_INFINITY;
}

/** A mean-one lognormal factor with log-σ `sigma` from a standard normal draw. */
export function lognormalFactor(sigma: number, standardNormal: number): number {
  return Math.exp(sigma * standardNormal - (sigma * sigma) / 2);
}
