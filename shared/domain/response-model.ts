import type { Micros } from './money.ts';

/**
 * A segment's response model: expected leads a day as a function of its daily ad spend,
 *
 *     leads(spend) = scale × spend^elasticity      (spend in euros, 0 < elasticity ≤ 1)
 *
 * so each extra euro buys fewer leads than the last (diminishing returns). The elasticity is a
 * setting, not fitted: in closed loop the controller raises spend exactly when leads fall, so a
 * regression of leads on spend would mistake a cost shock for a flat response (the classic
 * closed-loop identification trap). The scale is fitted per segment from its own days, each
 * day's leads against *that day's* spend, so a budget change shows in the model the first day
 * it is in force: a correction is never added twice while an average catches up.
 *
 * The fit is Poisson with a conjugate gamma prior: the branch's cost per lead at the segment's
 * own spend level, worth `priorLeads` leads. A segment with little data leans on its branch; one
 * with hundreds of leads speaks for itself.
 */

export interface SegmentDay {
  readonly date: string;
  readonly leads: number;
  readonly spendMicros: Micros;
  /** The daily budget in force that day, when known. */
  readonly budgetMicros: Micros | null;
  /** Share of impressions lost to a too-small budget (0..1), when the channel reports it. */
  readonly budgetLostImpressionShare: number | null;
}

export interface ModelSettings {
  readonly elasticity: number;
  /** Weight of a day halves every this many days back. */
  readonly halfLifeDays: number;
  /** Days of the recent window whose error the feedback looks at. */
  readonly recentDays: number;
  /** Strength of the branch prior, in leads. */
  readonly priorLeads: number;
  /** |z| of the recent error above which the recent days alone set the scale. */
  readonly recentErrorZ: number;
}

export interface ResponseModel {
  /** Leads a day per euro^elasticity. */
  readonly scale: number;
  readonly elasticity: number;
  /** Weighted leads behind the fit (prior excluded): how much to trust it. */
  readonly effectiveLeads: number;
  /** Days used (spend > 0, not an outage). */
  readonly days: number;
  /** Days left out: leads without cost (missing cost data) or no leads where many were due (tracking outage). */
  readonly excludedDays: number;
  /** The recent error, as observed ÷ expected leads since the likeliest change point, and whether it was acted on. */
  readonly recentRatio: number;
  readonly recentErrorActedOn: boolean;
}

/** Leads expected a day at `spendEuros`. */
export function expectedLeads(model: ResponseModel, spendEuros: number): number {
  return spendEuros > 0 ? model.scale * spendEuros ** model.elasticity : 0;
}

/** The daily spend (euros) at which the model expects `leads`. */
export function spendFor(model: ResponseModel, leads: number): number {
  return leads > 0 ? (leads / model.scale) ** (1 / model.elasticity) : 0;
}

/** What one more lead costs at `spendEuros`: d spend / d leads. */
export function marginalCostPerLead(model: ResponseModel, spendEuros: number): number {
  if (spendEuros <= 0) return 1 / (model.scale * model.elasticity) ** (1 / model.elasticity);
  return spendEuros ** (1 - model.elasticity) / (model.scale * model.elasticity);
}

/** The daily spend (euros) at which one more lead costs `maxEuros`; Infinity when it never does. */
export function spendAtMarginalCost(model: ResponseModel, maxEuros: number): number {
  const { scale, elasticity } = model;
  if (elasticity >= 1) return 1 / scale <= maxEuros ? Number.POSITIVE_INFINITY : 0;
  return (maxEuros * scale * elasticity) ** (1 / (1 - elasticity));
}

/**
 * Fits the scale from the segment's days (oldest first, ending at the run date) and a prior
 * cost per lead (euros). Days without spend carry no information about the response and are
 * left out, as are days with no leads where the first fit expected at least 5 (a Poisson count
 * of 0 then has a chance below 1%: a tracking outage, not a market). Returns null when no day
 * is usable.
 *
 * Feedback: when the recent days' leads differ from what the fit expects at their spend by more
 * than `recentErrorZ` standard deviations (a cost shock, a new competitor), the scale is set from
 * the recent days alone, so the controller follows a real change within days instead of waiting
 * for the weights to forget.
 */
export function fitResponseModel(
  days: readonly SegmentDay[],
  priorCostPerLeadEuros: number,
  settings: ModelSettings,
): ResponseModel | null {
  const { elasticity, halfLifeDays, recentDays, priorLeads, recentErrorZ } = settings;
  const withSpend = days
    .map((day, index) => ({
      leads: day.leads,
      driver: (day.spendMicros / 1_000_000) ** elasticity,
      spend: day.spendMicros / 1_000_000,
      age: days.length - 1 - index,
    }))
    .filter((day) => day.spend > 0);
  if (withSpend.length === 0) return null;

  const meanSpend = withSpend.reduce((sum, day) => sum + day.spend, 0) / withSpend.length;
  // The prior: the branch's cost per lead at this segment's own spend level.
  const priorScale = meanSpend / priorCostPerLeadEuros / meanSpend ** elasticity;
  const weightedFit = (selected: typeof withSpend, prior: number, strength: number) => {
    let leads = 0;
    let driver = 0;
    for (const day of selected) {
      const weight = 0.5 ** (day.age / halfLifeDays);
      leads += weight * day.leads;
      driver += weight * day.driver;
    }
    return { scale: (strength + leads) / (strength / prior + driver), leads };
  };

  const first = weightedFit(withSpend, priorScale, priorLeads);
  const usable = withSpend.filter((day) => day.leads > 0 || first.scale * day.driver < 5);
  if (usable.length === 0) return null;
  const overall = weightedFit(usable, priorScale, priorLeads);

  // The change point: of the last 1..recentDays days, the stretch whose leads are furthest from
  // the fit, in standard deviations (the likelihood-ratio choice for a shift in level).
  let change = { z: 0, observed: 0, expected: 0, driver: 0 };
  let observed = 0;
  let driver = 0;
  for (const day of usable.filter((d) => d.age < recentDays).reverse()) {
    observed += day.leads;
    driver += day.driver;
    const expected = overall.scale * driver;
    const z = expected > 0 ? (observed - expected) / Math.sqrt(expected) : 0;
    if (Math.abs(z) > Math.abs(change.z)) change = { z, observed, expected, driver };
  }
  const actOn = Math.abs(change.z) > recentErrorZ;
  // Acting on the recent error: the changed stretch's own scale, held to the fit by one lead's worth.
  const scale = actOn ? (1 + change.observed) / (1 / overall.scale + change.driver) : overall.scale;

  return {
    scale,
    elasticity,
    effectiveLeads: actOn ? change.observed : overall.leads,
    days: usable.length,
    excludedDays: days.length - usable.length,
    recentRatio: change.expected > 0 ? change.observed / change.expected : 1,
    recentErrorActedOn: actOn,
  };
}
