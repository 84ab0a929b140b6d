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
  /** Strength of the branch prior, in leads. */
  readonly priorLeads: number;
  /** |z| of a shift in level above which only the days since the shift set the scale. */
  readonly changeZ: number;
}

export interface ResponseModel {
  /** Leads a day per euro^elasticity. */
  readonly scale: number;
  readonly elasticity: number;
  /** Weighted leads behind the fit (prior excluded): how much to trust it. */
  readonly effectiveLeads: number;
  /** Variance of a day's leads ÷ its mean (1 for Poisson; more when costs swing day to day). */
  readonly dispersion: number;
}

const MIN_CHANGE_DAYS = 3;

/**
 * How much more the daily counts vary than Poisson counts would (at least 1), from successive
 * differences of the standardized residuals: a shift in level adds only one large difference,
 * so it does not hide itself by inflating the noise.
 */
function overdispersion(days: readonly { leads: number; driver: number }[], level: number): number {
  if (days.length < 3 || level <= 0) return 1;
  const residuals = days.map((day) => {
    const mean = level * day.driver;
    return mean > 0 ? (day.leads - mean) / Math.sqrt(mean) : 0;
  });
  let sum = 0;
  for (let i = 1; i < residuals.length; i++) sum += ((residuals[i] ?? 0) - (residuals[i - 1] ?? 0)) ** 2;
  return Math.max(1, sum / (2 * (residuals.length - 1)));
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
 * Feedback: the model's error on recent days (what it did not predict) is tested for a shift in
 * level; a real one restarts the fit from where it happened.
 */
export function fitResponseModel(
  days: readonly SegmentDay[],
  priorCostPerLeadEuros: number,
  settings: ModelSettings,
): ResponseModel | null {
  const { elasticity, halfLifeDays, priorLeads, changeZ } = settings;
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

  // The change point: the split of the days into before and after where the after-stretch's
  // leads are furthest from one common level, in standard deviations (the likelihood-ratio
  // choice for a shift in level). Beyond the threshold the level has moved (a cost shock, a new
  // competitor): only the days since count, so the model follows the change within days instead
  // of waiting for the weights to forget it.
  const total = usable.reduce(
    (sum, day) => ({ leads: sum.leads + day.leads, driver: sum.driver + day.driver }),
    {
      leads: 0,
      driver: 0,
    },
  );
  const pooled = total.driver > 0 ? total.leads / total.driver : 0;
  const dispersion = overdispersion(usable, pooled);
  let change = { z: 0, days: 0 };
  let observed = 0;
  let driver = 0;
  for (const [index, day] of [...usable].reverse().entries()) {
    if (index === usable.length - 1) break; // the before-stretch must keep a day
    observed += day.leads;
    driver += day.driver;
    // One or two odd days are not a new level.
    if (index + 1 < MIN_CHANGE_DAYS) continue;
    const expected = pooled * driver;
    const variance = dispersion * expected * (1 - driver / total.driver);
    const z = variance > 0 ? (observed - expected) / Math.sqrt(variance) : 0;
    if (Math.abs(z) > Math.abs(change.z)) change = { z, days: index + 1 };
  }
  const actOn = Math.abs(change.z) > changeZ;
  const since = actOn ? usable.slice(-change.days) : usable;
  // After a change, the days since speak for themselves; the old level holds them by one lead.
  const fitted = actOn ? weightedFit(since, overall.scale, 1) : overall;
  // The stretch picked is the most extreme one, so its shift is partly luck: only the part of it
  // beyond the threshold is believed (soft thresholding), and more days make it grow.
  const believed = actOn ? 1 - changeZ / Math.abs(change.z) : 1;
  const scale = actOn ? overall.scale * (fitted.scale / overall.scale) ** believed : fitted.scale;

  return {
    scale,
    elasticity,
    effectiveLeads: fitted.leads,
    dispersion,
  };
}
