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
 * with hundreds of leads speaks for itself. Where the ads channel reports clicks, the scale is a
 * clicks scale times a conversion rate (`fitResponseModel`).
 */

export interface SegmentDay {
  readonly date: string;
  readonly leads: number;
  readonly spendMicros: Micros;
  /** The daily budget in force that day, when known. */
  readonly budgetMicros: Micros | null;
  /** Share of impressions lost to a too-small budget (0..1), when the channel reports it. */
  readonly budgetLostImpressionShare: number | null;
  /** Clicks the ads channel reported for the day, when known. */
  readonly clicks?: number | null;
}

export interface ModelSettings {
  readonly elasticity: number;
  /** Weight of a day halves every this many days back. */
  readonly halfLifeDays: number;
  /** Strength of the branch prior, in leads. */
  readonly priorLeads: number;
  /** Prior chance that a segment's level shifts on a given day (a cost shock, a new competitor). */
  readonly changeRate: number;
  /** The same for its conversion rate, leads per click (a new form or landing page): far rarer. */
  readonly conversionChangeRate: number;
}

export interface ResponseModel {
  /** Leads a day per euro^elasticity. */
  readonly scale: number;
  readonly elasticity: number;
  /** Standard error of the scale ÷ the scale: how far the model may be off. */
  readonly relativeError: number;
  /** Variance of a day's leads ÷ its mean (1 for Poisson; more when costs swing day to day). */
  readonly dispersion: number;
  /** Leads per click, where the model reads the level off clicks (a funnel). */
  readonly conversionRate?: number;
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
  // Capped: days far from today's spend weigh nothing in the level, yet their residuals count here;
  // against a level fitted on a cent a day they are unbounded (and 1/∞ would turn the fit into NaN).
  return Math.min(MAX_DISPERSION, Math.max(1, sum / (2 * (residuals.length - 1))));
}

/** More than this much noise per Poisson count and the days say nothing anyway. */
const MAX_DISPERSION = 100;

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
 * The segment's model from its days (oldest first, ending at the run date) and a prior cost per
 * lead (euros); null when no day is usable.
 *
 * Where the ads channel reports clicks (at least twice as many as leads, and ten leads to go on),
 * the model is a funnel: leads = clicks(spend) × conversion rate. Clicks are what the auction
 * sells, so a cost shock moves them first, and they count many times the leads: their level is
 * fitted as below with its change points, and sees a shift within days. The conversion rate
 * (leads ÷ clicks) belongs to the landing page and the form, not to the auction: it is weighed on
 * the leads with change points of its own, a priori far rarer (`conversionChangeRate`), so a run
 * of lucky or unlucky lead counts does not move it, while a true shift in it, or a shock the
 * clicks do not show, still carries it within a couple of weeks. Clicks that say nothing the
 * leads do not (a fixed multiple of them) show it in their noise, and the funnel then claims no
 * more certainty than the leads alone. Without clicks the model reads the leads directly.
 */
export function fitResponseModel(
  days: readonly SegmentDay[],
  priorCostPerLeadEuros: number,
  settings: ModelSettings,
): ResponseModel | null {
  return (
    fitThroughClicks(days, priorCostPerLeadEuros, settings) ??
    fitCounts(days, (day) => day.leads, priorCostPerLeadEuros, settings)
  );
}

/** Leads a funnel needs before its conversion rate is read off them. */
const MIN_FUNNEL_LEADS = 10;

function fitThroughClicks(
  days: readonly SegmentDay[],
  priorCostPerLeadEuros: number,
  settings: ModelSettings,
): ResponseModel | null {
  // The conversion rate: each day's leads against its clicks.
  const known = days.flatMap((day, index) =>
    day.spendMicros > 0 && day.clicks != null
      ? [
          {
            leads: day.leads,
            driver: day.clicks,
            weight: ageWeight(days.length, index, settings.halfLifeDays),
          },
        ]
      : [],
  );
  const all = totals(known, 1);
  if (all.leads < MIN_FUNNEL_LEADS || all.driver < 2 * all.leads) return null;
  const ratio = all.leads / all.driver;
  const conversion = weighLevel(
    known,
    { shape: settings.priorLeads, rate: settings.priorLeads / ratio },
    settings.conversionChangeRate,
  );
  const clicks =
    conversion &&
    fitCounts(days, (day) => day.clicks ?? null, priorCostPerLeadEuros * conversion.mean, settings);
  if (!conversion || !clicks) return null;
  return {
    scale: clicks.scale * conversion.mean,
    elasticity: clicks.elasticity,
    relativeError: Math.hypot(clicks.relativeError, conversion.relativeError),
    dispersion: clicks.dispersion,
    conversionRate: conversion.mean,
  };
}

/**
 * Fits the scale of a count (leads, or clicks; null where unknown) against spend from the
 * segment's days and a prior cost per count (euros). Days without spend carry no information
 * about the response and are left out. Returns null when no day is usable.
 *
 * Feedback: a shift in level (a cost shock, a new competitor) is weighed, not tested. Every
 * split of the days into before and after is a hypothesis "the level moved then", with its prior
 * chance `changeRate` a day; the after-level's prior sits on the before-level, as likely 50%
 * higher as lower. Each hypothesis is weighted by how well it explains the days (its marginal
 * likelihood, closed-form for Poisson counts under a gamma prior), and the model is their
 * average. A shift the days confirm soon carries the model in full; one or two odd days barely
 * move it; and no single most-extreme split is trusted, so its luck is not believed.
 */
function fitCounts(
  days: readonly SegmentDay[],
  count: (day: SegmentDay) => number | null,
  priorCostPerCountEuros: number,
  settings: ModelSettings,
): ResponseModel | null {
  const { elasticity, halfLifeDays, priorLeads, changeRate } = settings;
  const counted = days.flatMap((day, index) => {
    const n = count(day);
    return day.spendMicros > 0 && n !== null ? [{ n, index, spend: day.spendMicros / 1_000_000 }] : [];
  });
  const today = counted.at(-1)?.spend;
  if (today === undefined) return null;
  // The model is asked about spends near today's, and its elasticity is a setting that may be off
  // by 0.1–0.2: so days spent far from today's level (a budget since halved or doubled) weigh
  // less, the further the less. Within ±30% of today's spend such an error costs under 5%.
  const withSpend = counted.map(({ n, index, spend }) => ({
    leads: n,
    driver: spend ** elasticity,
    weight:
      ageWeight(days.length, index, halfLifeDays) *
      Math.exp(-(Math.log(spend / today) ** 2) / (2 * SPEND_BANDWIDTH ** 2)),
  }));
  const meanSpend = counted.reduce((sum, day) => sum + day.spend, 0) / counted.length;
  // The prior: the branch's cost per count at this segment's own spend level.
  const priorScale = meanSpend / priorCostPerCountEuros / meanSpend ** elasticity;
  const level = weighLevel(withSpend, { shape: priorLeads, rate: priorLeads / priorScale }, changeRate);
  return (
    level && {
      scale: level.mean,
      elasticity,
      relativeError: level.relativeError,
      dispersion: level.dispersion,
    }
  );
}

/** A day's weight by its age: it halves every `halfLifeDays` back from the last of `length` days. */
function ageWeight(length: number, index: number, halfLifeDays: number): number {
  return 0.5 ** ((length - 1 - index) / halfLifeDays);
}

/**
 * The level of counts ∝ driver from weighted days and a gamma prior, over its change points
 * (`levelFit`), with the days' noise. A day without a single count is an outage, left out, only
 * where a first fit and the noise the days show make one that unlikely: dropping the zeros that
 * noisy counts do produce would bias every level upward. Null when no day is usable.
 */
function weighLevel(
  days: readonly { leads: number; driver: number; weight: number }[],
  prior: Gamma,
  changeRate: number,
): { mean: number; relativeError: number; dispersion: number } | null {
  const firstScale = posterior(prior, totals(days, 1)).mean;
  const noise = overdispersion(days, firstScale);
  const usable = days.filter(
    (day) => day.leads > 0 || chanceOfNoLeads(firstScale * day.driver, noise) >= OUTAGE_CHANCE,
  );
  if (usable.length === 0) return null;
  const all = totals(usable, 1);
  const dispersion = overdispersion(usable, all.leads / all.driver);
  return { ...levelFit(usable, prior, dispersion, changeRate), dispersion };
}

/** Below this chance of a day without leads, such a day is taken for a tracking outage. */
const OUTAGE_CHANCE = 0.01;

/**
 * The chance of a day without leads at `mean` leads expected: Poisson for a dispersion of 1, else
 * the negative binomial of that variance-to-mean ratio, (1/dispersion)^(mean/(dispersion − 1)).
 */
function chanceOfNoLeads(mean: number, dispersion: number): number {
  return dispersion <= 1 ? Math.exp(-mean) : dispersion ** (-mean / (dispersion - 1));
}

/** A day spent this far from today's level in log terms (about ±30%) counts 61%, twice as far 14%. */
const SPEND_BANDWIDTH = 0.3;

/**
 * The scale, averaged over "no shift" and "a shift in level after day k" for every k, each
 * weighted by its marginal likelihood.
 */
function levelFit(
  days: readonly { leads: number; driver: number; weight: number }[],
  prior: Gamma,
  dispersion: number,
  changeRate: number,
): { mean: number; relativeError: number } {
  // Overdispersed counts carry less information: each day counts as 1/dispersion of a Poisson day.
  const tempered = { shape: prior.shape / dispersion, rate: prior.rate / dispersion };
  const noChange = totals(days, dispersion);
  const hypotheses = [{ logWeight: logMarginal(tempered, noChange), fit: posterior(tempered, noChange) }];
  const logPriorOdds = Math.log(changeRate / (1 - changeRate));
  for (let after = MIN_CHANGE_DAYS; after < days.length; after++) {
    const before = totals(days.slice(0, -after), dispersion);
    const since = totals(days.slice(-after), dispersion);
    const level = posterior(tempered, before).mean;
    const shifted = { shape: SHIFT_SHAPE, rate: SHIFT_SHAPE / level };
    hypotheses.push({
      logWeight: logPriorOdds + logMarginal(tempered, before) + logMarginal(shifted, since),
      fit: posterior(shifted, since),
    });
  }
  const top = Math.max(...hypotheses.map((h) => h.logWeight));
  const weights = hypotheses.map((h) => Math.exp(h.logWeight - top));
  const total = weights.reduce((sum, w) => sum + w, 0);
  let mean = 0;
  let square = 0;
  hypotheses.forEach((h, index) => {
    const p = (weights[index] ?? 0) / total;
    mean += p * h.fit.mean;
    square += p * (h.fit.variance + h.fit.mean ** 2);
  });
  return {
    mean,
    relativeError: Math.sqrt(Math.max(square - mean ** 2, 0)) / mean,
  };
}

/** A shifted level's prior around the old one: gamma of this shape (coefficient of variation 1/√shape = 50%). */
const SHIFT_SHAPE = 4;

interface Gamma {
  readonly shape: number;
  readonly rate: number;
}

/** Weighted leads and drivers of some days, each day worth 1/dispersion of a Poisson day. */
function totals(
  days: readonly { leads: number; driver: number; weight: number }[],
  dispersion: number,
): { leads: number; driver: number } {
  let leads = 0;
  let driver = 0;
  for (const day of days) {
    leads += (day.weight * day.leads) / dispersion;
    driver += (day.weight * day.driver) / dispersion;
  }
  return { leads, driver };
}

/** The gamma posterior of the scale after `data`, as mean and variance. */
function posterior(prior: Gamma, data: { leads: number; driver: number }) {
  const shape = prior.shape + data.leads;
  const rate = prior.rate + data.driver;
  return { mean: shape / rate, variance: shape / rate ** 2 };
}

/**
 * log p(days | prior) for Poisson counts with a gamma-distributed scale, leaving out the factor
 * Π driverᵢ^leadsᵢ / leadsᵢ!, which every hypothesis shares.
 */
function logMarginal(prior: Gamma, data: { leads: number; driver: number }): number {
  return (
    prior.shape * Math.log(prior.rate) -
    logGamma(prior.shape) +
    logGamma(prior.shape + data.leads) -
    (prior.shape + data.leads) * Math.log(prior.rate + data.driver)
  );
}

/**
 * ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; relative error below 1e-13). Written here
 * because neither zod nor Node carries one and the formula is a dozen lines.
 */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
