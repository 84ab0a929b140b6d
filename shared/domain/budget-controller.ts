import { z } from 'zod';
import {
  type DecisionReasonData,
  primaryReason,
  type ReasonCode,
  type ReasonParams,
} from './decision-reason.ts';
import {
  type AccountBudget,
  type GuardrailReason,
  type GuardrailSettings,
  limitRun,
  limitSegmentBudget,
  type RunCandidate,
} from './guardrails.ts';
import { eurosFromMicros, formatEuros, MICROS_PER_EURO, type Micros, roundToCents } from './money.ts';
import {
  expectedLeads,
  fitResponseModel,
  marginalCostPerLead,
  type SegmentDay,
  spendAtMarginalCost,
  spendFor,
} from './response-model.ts';

/**
 * Orchestrate's decision (docs/architecture.md, "The controller"): each segment's new daily
 * budget. Two controllers propose a budget; the guardrails then keep every change safe, the same
 * for both.
 * - `default`: feedforward from the segment's response model (the spend the target needs),
 *   feedback on the recent error through the model's fit, a deadband sized by how much the model
 *   knows, and anti-windup: no raise where the budget does not limit delivery or where one more
 *   lead would cost more than a lead earns. An account cap that binds goes to the cheapest
 *   marginal leads first.
 * - `plan`: the original plan's rule, `current + (target − yesterday's leads) × €25`, kept to
 *   compare against.
 */

const micros = z.int().nonnegative();
/** Far above any budget limit: an unreachable target proposes this, and the guardrails cut it. */
const MAX_PROPOSAL_MICROS = 1_000_000 * 1_000_000;

/** The longest history a controller may read (Aggregate keeps late statuses current that far back). */
export const MAX_LOOKBACK_DAYS = 92;

export const controllerSettingsSchema = z.strictObject({
  name: z.enum(['default', 'plan']).default('default'),
  /** Days of history behind the response model (and what a lead earns). */
  lookbackDays: z.int().min(7).max(MAX_LOOKBACK_DAYS).default(56),
  /** Days of the recent window: the realized average the gap is measured on, and the model's feedback. */
  recentDays: z.int().min(1).max(28).default(7),
  halfLifeDays: z.number().positive().default(28),
  /** Leads per euro fall with spend: leads ∝ spend^elasticity. */
  elasticity: z.number().gt(0).lte(1).default(0.8),
  /** Weight of the branch's cost per lead in a segment's fit, in leads. */
  priorLeads: z.number().positive().default(5),
  /** Prior chance that a segment's level shifts on a given day (bids, competitors): about monthly. */
  changeRate: z
    .number()
    .gt(0)
    .lt(0.5)
    .default(1 / 30),
  /**
   * The same for its conversion rate, leads per click, where the model reads the level off clicks:
   * a new form or landing page, about once a year.
   */
  conversionChangeRate: z
    .number()
    .gt(0)
    .lt(0.5)
    .default(1 / 365),
  /** A move smaller than this share of the budget is not made (the model's own margin may widen it). */
  deadband: z.number().min(0).lt(1).default(0.04),
  /** The model's margin, in standard errors of its estimate: a smaller move is noise, not news. */
  marginStandardErrors: z.number().min(0).default(0.5),
  /** Leads a segment needs in the lookback before its cost per lead counts toward its branch's. */
  minLeadsToMeasure: z.int().positive().default(10),
  /** Cost per lead when no segment has been measured yet. */
  defaultCostPerLeadMicros: micros.positive().default(25_000_000),
  /** Below this budget-lost impression share, more budget buys no more impressions. */
  notLimitedLostShare: z.number().min(0).max(1).default(0.02),
  /** Spending less than this share of the budget: the budget is not what limits delivery. */
  notLimitedUtilization: z.number().gt(0).max(1).default(0.85),
  /**
   * The most one more lead may cost, per segment code or branch. Absent: what a lead earns in the
   * segment (average price paid × acceptance rate over the lookback).
   */
  maxMarginalCostPerLeadMicros: z
    .strictObject({
      segments: z.record(z.string(), micros.positive()).default({}),
      branches: z.record(z.string(), micros.positive()).default({}),
    })
    .default({ segments: {}, branches: {} }),
  /** The plan rule's fixed cost per lead. */
  planCostPerLeadMicros: micros.positive().default(25_000_000),
});

export type ControllerSettings = z.output<typeof controllerSettingsSchema>;
export type ControllerSettingsInput = z.input<typeof controllerSettingsSchema>;
const defaultControllerSettings: ControllerSettings = controllerSettingsSchema.parse({});

export interface BudgetSegmentInput {
  readonly segmentId: string;
  /** The segment's code: per-segment settings are keyed by it. */
  readonly code: string;
  /** Segments of one branch share a prior cost per lead. */
  readonly branch: string;
  /** The ads account (customer id) of the segment's budget; for one that spans accounts, see `budgets`. */
  readonly accountId: string;
  /**
   * The segment's distinct budgets with the account owning each, in the order its total is split
   * over them: each account's cap counts the part it owns. By default one budget in `accountId`.
   */
  readonly budgets?: readonly AccountBudget[];
  readonly currentBudgetMicros: Micros;
  readonly targetLeadsPerDay: number;
  /** Average leads a day over the recent window ending at the run date: the gap is measured on it. */
  readonly recentLeadsPerDay: number;
  /** Leads on the run date itself (the plan rule's "actual"). */
  readonly leadsOnDate: number;
  /** The lookback's days, oldest first, ending at the run date. */
  readonly history: readonly SegmentDay[];
  /** What a lead earned over the lookback (revenue ÷ decided leads); null when none was decided. */
  readonly valuePerLeadMicros: Micros | null;
  readonly capacityTotalLeads: number;
  /** Orchestration paused by an admin: no change at all. */
  readonly isPaused: boolean;
}

/** Why the controller itself held or shaped a budget (the guardrails add their own reasons). */
export type ControllerReason =
  | 'no_data'
  | 'no_cost_data'
  | 'within_margin'
  | 'not_budget_limited'
  | 'max_marginal_cost';
export type DecisionReason = GuardrailReason | ControllerReason;

export type DecisionStatus = 'planned' | 'clamped' | 'skipped';
export type BudgetAction = 'increase' | 'decrease' | 'none';

export interface BudgetDecision {
  readonly segmentId: string;
  readonly accountId: string;
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  /** What the controller wanted, in whole cents, before any guardrail. */
  readonly desiredMicros: Micros;
  readonly action: BudgetAction;
  /** planned: as the controller wanted; clamped: a guardrail changed the amount; skipped: not steered this run. */
  readonly status: DecisionStatus;
  readonly reasons: DecisionReason[];
  /** One line for the orchestration log and the dashboard. */
  readonly explanation: string;
  /** The same as data: the deciding rule's code and the numbers behind it, for any language. */
  readonly reason: DecisionReasonData;
}

/** What a controller proposes for one segment, before the guardrails. */
interface Proposal {
  readonly desiredMicros: Micros;
  readonly reasons: ControllerReason[];
  /** The numbers behind it, for the explanation. */
  readonly basis: string;
  /** Marginal cost per lead (euros) at a budget, for allocating a binding account cap. */
  readonly marginalCostAt?: (budgetMicros: Micros) => number;
  /** The basis as data: which rule proposed, and its numbers. */
  readonly basisCode: ReasonCode;
  readonly facts: ReasonParams;
}

/** Decides a whole run: the account cap and the change limit need every segment at once. */
export function decideBudgets(
  segments: readonly BudgetSegmentInput[],
  settings: GuardrailSettings,
  controller: ControllerSettings = defaultControllerSettings,
): BudgetDecision[] {
  assertInputs(segments);
  const priors = branchCostPerLead(segments, controller);
  const proposals = segments.map((segment) =>
    controller.name === 'plan'
      ? planRule(segment, controller)
      : modelRule(segment, priors(segment.branch), controller, settings),
  );

  const limited = segments.map((segment, index) => {
    const proposal = proposals[index] as Proposal;
    const stop: GuardrailReason | null = settings.killSwitch
      ? 'kill_switch'
      : segment.isPaused
        ? 'paused'
        : null;
    if (stop) return { newMicros: segment.currentBudgetMicros, reasons: [stop] as GuardrailReason[] };
    return limitSegmentBudget(
      {
        oldMicros: segment.currentBudgetMicros,
        desiredMicros: proposal.desiredMicros,
        capacityTotalLeads: segment.capacityTotalLeads,
      },
      settings,
    );
  });

  const runLimited = limitRun(
    segments.map(
      (segment, index): RunCandidate => ({
        segmentId: segment.segmentId,
        accountId: segment.accountId,
        ...(segment.budgets ? { budgets: segment.budgets } : {}),
        oldMicros: segment.currentBudgetMicros,
        newMicros: limited[index]?.newMicros ?? segment.currentBudgetMicros,
        priority: relativeGap(segment),
        ...(proposals[index]?.marginalCostAt ? { marginalCostAt: proposals[index].marginalCostAt } : {}),
      }),
    ),
    settings,
  );

  return segments.map((segment, index) => {
    const proposal = proposals[index] as Proposal;
    const segmentLimited = limited[index] ?? { newMicros: segment.currentBudgetMicros, reasons: [] };
    const run = runLimited[index];
    const oldMicros = segment.currentBudgetMicros;
    const newMicros = run?.newMicros ?? oldMicros;
    const guardrailReasons = run?.reason ? [...segmentLimited.reasons, run.reason] : segmentLimited.reasons;
    const reasons: DecisionReason[] = [...proposal.reasons, ...guardrailReasons];
    const decision = {
      segmentId: segment.segmentId,
      accountId: segment.accountId,
      oldMicros,
      newMicros,
      desiredMicros: proposal.desiredMicros,
      action: actionOf(oldMicros, newMicros),
      status: statusOf(guardrailReasons, newMicros, proposal.desiredMicros),
      reasons,
    };
    return {
      ...decision,
      explanation: explainDecision(decision, proposal.basis, segmentLimited.newMicros, settings),
      reason: reasonOf(decision, proposal, segmentLimited.newMicros, settings),
    };
  });
}

/** |target − recent average| relative to the target: the gap users see, and who gets a change slot first. */
function relativeGap(segment: Pick<BudgetSegmentInput, 'targetLeadsPerDay' | 'recentLeadsPerDay'>): number {
  return (
    Math.abs(segment.targetLeadsPerDay - segment.recentLeadsPerDay) / Math.max(segment.targetLeadsPerDay, 1)
  );
}

/** The gap in percent of the target, as the plan records it: positive means too few leads. */
export function gapPercent(target: number, recent: number): number {
  if (target === 0) return recent === 0 ? 0 : -100;
  return ((target - recent) / target) * 100;
}

/** The original plan's rule: current + (target − yesterday's leads) × a fixed cost per lead. */
function planRule(segment: BudgetSegmentInput, controller: ControllerSettings): Proposal {
  const gap = segment.targetLeadsPerDay - segment.leadsOnDate;
  const cpl = controller.planCostPerLeadMicros;
  return {
    desiredMicros: roundToCents(segment.currentBudgetMicros + Math.round(gap * cpl)),
    reasons: [],
    basisCode: 'plan_rule',
    facts: {
      leads_on_date: segment.leadsOnDate,
      target_leads_per_day: segment.targetLeadsPerDay,
      plan_cost_per_lead: eurosFromMicros(cpl),
    },
    basis: `plan rule: yesterday ${segment.leadsOnDate} leads vs target ${leadsText(segment.targetLeadsPerDay)}; CPL ${formatEuros(cpl)} fixed`,
  };
}

function modelRule(
  segment: BudgetSegmentInput,
  priorCostPerLead: number | undefined,
  controller: ControllerSettings,
  settings: GuardrailSettings,
): Proposal {
  const current = segment.currentBudgetMicros;
  const gapNote = `${controller.recentDays}-day avg ${segment.recentLeadsPerDay.toFixed(1)} vs target ${leadsText(segment.targetLeadsPerDay)} (gap ${signedPercent(gapPercent(segment.targetLeadsPerDay, segment.recentLeadsPerDay))})`;
  const gapFacts: ReasonParams = {
    recent_days: controller.recentDays,
    recent_leads_per_day: segment.recentLeadsPerDay,
    target_leads_per_day: segment.targetLeadsPerDay,
    gap_percent: gapPercent(segment.targetLeadsPerDay, segment.recentLeadsPerDay),
  };
  const hold = (reason: ControllerReason, why: string): Proposal => ({
    desiredMicros: current,
    reasons: [reason],
    basisCode: 'model',
    facts: gapFacts,
    basis: `${why}; ${gapNote}`,
  });

  const recent = segment.history.slice(-controller.recentDays);
  const model = fitResponseModel(
    segment.history,
    priorCostPerLead ?? ownCostPerLead(segment, controller),
    controller,
  );
  if (current > 0) {
    const { leads: recentLeads, spend: recentSpend } = lookbackTotals(recent);
    if (recentSpend === 0)
      return recentLeads === 0
        ? hold(
            'no_data',
            `no leads and no ad cost in the last ${controller.recentDays} days: no data is no signal`,
          )
        : hold(
            'no_cost_data',
            `no ad cost reported for the last ${controller.recentDays} days: no change without it`,
          );
  }
  if (!model) {
    // A budget of 0 with nothing learned yet: start at the minimum and learn.
    const wanted = segment.targetLeadsPerDay > 0 ? settings.minBudgetMicros : 0;
    return {
      desiredMicros: wanted,
      reasons: [],
      basisCode: 'no_model',
      facts: gapFacts,
      basis: `no spend to learn from yet; ${gapNote}`,
    };
  }

  // Whether the budget binds is read off the latest days: a change of budget changes the answer.
  const latest = segment.history.slice(-LIMIT_SIGNAL_DAYS);
  const utilization = budgetUtilization(latest);
  const lostShare = mean(latest.flatMap((day) => day.budgetLostImpressionShare ?? []));
  const notLimited =
    (lostShare !== undefined && lostShare < controller.notLimitedLostShare) ||
    (utilization !== undefined && utilization < controller.notLimitedUtilization);
  // Spend per euro of budget where the budget binds (Google may spend a little under or over it).
  const spendPerBudget =
    notLimited || utilization === undefined ? 1 : Math.min(Math.max(utilization, 0.6), 1.2);

  const reasons: ControllerReason[] = [];
  const neededSpend = spendFor(model, segment.targetLeadsPerDay);
  const maxMarginal = maxMarginalCostPerLead(segment, controller);
  const economicSpend =
    maxMarginal === null ? Number.POSITIVE_INFINITY : spendAtMarginalCost(model, maxMarginal);
  let spend = neededSpend;
  if (economicSpend < neededSpend) {
    spend = economicSpend;
    reasons.push('max_marginal_cost');
  }
  let desired = roundToCents(
    Math.round(Math.min((spend / spendPerBudget) * MICROS_PER_EURO, MAX_PROPOSAL_MICROS)),
  );
  if (desired > current && notLimited && current > 0) {
    desired = current;
    reasons.push('not_budget_limited');
  }
  // How far the model can be off: half a standard error of its scale. In budget terms that is
  // the margin it takes to start a move; a move under way (last night's change went the same way)
  // goes on to the target with the plain deadband, so it does not stall short of it.
  const scaleMargin = controller.marginStandardErrors * model.relativeError;
  const direction = Math.sign(desired - current);
  const continuing = direction !== 0 && direction === lastMove(segment.history);
  // Undoing a move of the last few days takes a full standard error: only those few days are new
  // since the move was made, and going back on one odd day is how a budget starts to swing.
  const reversing = direction !== 0 && direction === -recentMove(segment.history, REVERSAL_DAYS);
  let margin = continuing
    ? controller.deadband
    : Math.max(controller.deadband, (reversing ? model.relativeError : scaleMargin) / model.elasticity);
  let within = Math.abs(desired - current) < margin * current;
  if (reasons.includes('max_marginal_cost') && model.elasticity < 1 && current > 0) {
    // Where what a lead earns sets the budget, the margin is on the marginal cost: that grows only
    // as spend^(1 − e), so each small revision of the model moves the spend it allows several
    // times as much, while near there the profit is flat. The budget moves only when one more
    // lead at today's budget costs more, or less, than a lead earns by over a standard error.
    margin = Math.max(controller.deadband, model.relativeError);
    within = Math.abs(Math.log(desired / current)) * (1 - model.elasticity) < Math.log(1 + margin);
  }
  if (current > 0 && desired !== current && within) {
    reasons.push('within_margin');
    desired = current;
  }

  // The model at today's budget: the leads the spend that budget buys brings (a budget is spent
  // `spendPerBudget` over), what each costs on average, and what one more would cost.
  const at = Math.max(current / MICROS_PER_EURO, 1);
  const atSpend = at * spendPerBudget;
  const atLeads = expectedLeads(model, atSpend);
  const atMarginal = marginalCostPerLead(model, atSpend);
  const economicBudget = economicSpend / spendPerBudget;
  const notes: string[] = [
    `model ${atLeads.toFixed(1)} leads/day at ${euros(at)} (${euros(atSpend / atLeads)} each, next ${euros(atMarginal)})`,
  ];
  const conversion = model.conversionRate;
  if (conversion !== undefined)
    notes.push(
      `from ${(atLeads / conversion).toFixed(0)} clicks/day, ${(conversion * 100).toFixed(1)}% converting`,
    );
  if (reasons.includes('max_marginal_cost') && maxMarginal !== null)
    notes.push(`a lead earns ${euros(maxMarginal)}, so at most ${euros(economicBudget)}/day`);
  else notes.push(`target needs ${euros(neededSpend / spendPerBudget)}/day`);
  if (reasons.includes('not_budget_limited'))
    notes.push(
      `budget does not limit delivery (${[
        lostShare !== undefined ? `${Math.round(lostShare * 100)}% impressions lost to budget` : '',
        utilization !== undefined ? `${Math.round(utilization * 100)}% of budget spent` : '',
      ]
        .filter(Boolean)
        .join(', ')})`,
    );
  if (reasons.includes('within_margin'))
    notes.push(`within the model's margin ±${Math.round(margin * 100)}%`);
  const facts: ReasonParams = {
    ...gapFacts,
    model_leads_per_day: atLeads,
    model_budget: at,
    model_cost_per_lead: atSpend / atLeads,
    model_marginal_cost: atMarginal,
    ...(conversion !== undefined
      ? { model_clicks_per_day: atLeads / conversion, model_conversion_percent: conversion * 100 }
      : {}),
    needed_budget: neededSpend / spendPerBudget,
    ...(maxMarginal !== null && Number.isFinite(economicSpend)
      ? { lead_value: maxMarginal, economic_budget: economicBudget }
      : {}),
    ...(lostShare !== undefined ? { lost_share_percent: Math.round(lostShare * 100) } : {}),
    ...(utilization !== undefined ? { utilization_percent: Math.round(utilization * 100) } : {}),
    ...(reasons.includes('within_margin') ? { margin_percent: Math.round(margin * 100) } : {}),
  };
  return {
    desiredMicros: desired,
    reasons,
    basisCode: 'model',
    facts,
    basis: `${notes.join('; ')}; ${gapNote}`,
    marginalCostAt: (budgetMicros) =>
      marginalCostPerLead(model, (budgetMicros / MICROS_PER_EURO) * spendPerBudget),
  };
}

const LIMIT_SIGNAL_DAYS = 3;

/** Days after a move in which going back on it takes a full standard error. */
const REVERSAL_DAYS = 4;

/** The direction of the latest budget move within the last `days` days (0 if none). */
function recentMove(history: readonly SegmentDay[], days: number): number {
  const recent = history.slice(-(days + 1));
  for (let i = recent.length - 1; i > 0; i--) {
    const today = recent[i]?.budgetMicros;
    const before = recent[i - 1]?.budgetMicros;
    if (today != null && before != null && today !== before) return Math.sign(today - before);
  }
  return 0;
}

/** The direction of the last budget change: the budget in force on the run date vs the day before. */
function lastMove(history: readonly SegmentDay[]): number {
  const today = history.at(-1)?.budgetMicros;
  const before = history.at(-2)?.budgetMicros;
  return today == null || before == null ? 0 : Math.sign(today - before);
}

/**
 * The segment's own spend ÷ leads over the lookback (spend without a single lead counts as one
 * lead's cost: at least that), else the configured default (euros).
 */
function ownCostPerLead(segment: BudgetSegmentInput, controller: ControllerSettings): number {
  const { leads, spend } = lookbackTotals(segment.history);
  return spend > 0
    ? spend / Math.max(leads, 1) / MICROS_PER_EURO
    : controller.defaultCostPerLeadMicros / MICROS_PER_EURO;
}

/** Leads and spend (micros) over the days given. */
function lookbackTotals(days: readonly SegmentDay[]): { leads: number; spend: Micros } {
  return days.reduce((sum, day) => ({ leads: sum.leads + day.leads, spend: sum.spend + day.spendMicros }), {
    leads: 0,
    spend: 0,
  });
}

function maxMarginalCostPerLead(segment: BudgetSegmentInput, controller: ControllerSettings): number | null {
  const configured =
    controller.maxMarginalCostPerLeadMicros.segments[segment.code] ??
    controller.maxMarginalCostPerLeadMicros.branches[segment.branch];
  const max = configured ?? segment.valuePerLeadMicros;
  return max === null || max === undefined ? null : max / MICROS_PER_EURO;
}

/** Recent spend ÷ recent budget over the days whose budget is known. */
function budgetUtilization(days: readonly SegmentDay[]): number | undefined {
  const known = days.filter((day) => day.budgetMicros !== null && day.budgetMicros > 0);
  if (known.length === 0) return undefined;
  const budget = known.reduce((sum, day) => sum + (day.budgetMicros ?? 0), 0);
  return known.reduce((sum, day) => sum + day.spendMicros, 0) / budget;
}

/**
 * The prior cost per lead (euros) of each branch: the median of its measured segments (spend ÷
 * leads over the lookback, with at least minLeadsToMeasure leads), else of all measured segments;
 * undefined when no segment is measured (the segment's own figure is then the best there is).
 */
function branchCostPerLead(
  segments: readonly BudgetSegmentInput[],
  controller: ControllerSettings,
): (branch: string) => number | undefined {
  const measured = segments.flatMap((segment) => {
    const { leads, spend } = lookbackTotals(segment.history);
    return leads >= controller.minLeadsToMeasure && spend > 0
      ? [{ branch: segment.branch, cpl: spend / leads / MICROS_PER_EURO }]
      : [];
  });
  const all = median(measured.map((m) => m.cpl));
  const byBranch = new Map<string, number | undefined>();
  return (branch) => {
    if (!byBranch.has(branch))
      byBranch.set(branch, median(measured.filter((m) => m.branch === branch).map((m) => m.cpl)) ?? all);
    return byBranch.get(branch);
  };
}

function actionOf(oldMicros: Micros, newMicros: Micros): BudgetAction {
  if (newMicros > oldMicros) return 'increase';
  if (newMicros < oldMicros) return 'decrease';
  return 'none';
}

const SKIPPING: readonly GuardrailReason[] = ['kill_switch', 'paused', 'max_changes_per_run'];

function statusOf(
  reasons: readonly GuardrailReason[],
  newMicros: Micros,
  desiredMicros: Micros,
): DecisionStatus {
  if (reasons.some((reason) => SKIPPING.includes(reason))) return 'skipped';
  // Dropping a change below the minimum is the controller's own tolerance, not a clamp.
  const clamping = reasons.filter((reason) => reason !== 'below_min_change');
  return clamping.length > 0 && newMicros !== desiredMicros ? 'clamped' : 'planned';
}

/** The decision's reason as data: the strongest rule that shaped it, and every number its sentence needs. */
function reasonOf(
  decision: ExplainedDecision,
  proposal: Proposal,
  segmentLimitedMicros: Micros,
  settings: GuardrailSettings,
): DecisionReasonData {
  const { oldMicros, newMicros, desiredMicros, reasons } = decision;
  const code = primaryReason(reasons, proposal.basisCode);
  if (code === 'kill_switch' || code === 'paused') return { code, params: { reasons } };
  return {
    code,
    params: {
      reasons,
      old_budget: eurosFromMicros(oldMicros),
      new_budget: eurosFromMicros(newMicros),
      wanted_budget: eurosFromMicros(Math.max(0, desiredMicros)),
      segment_limited_budget: eurosFromMicros(segmentLimitedMicros),
      ...(reasons.includes('max_changes_per_run') ? { max_changes_per_run: settings.maxChangesPerRun } : {}),
      ...(reasons.includes('min_budget') ? { min_budget: eurosFromMicros(settings.minBudgetMicros) } : {}),
      ...(reasons.includes('max_budget') ? { max_budget: eurosFromMicros(settings.maxBudgetMicros) } : {}),
      ...proposal.facts,
    },
  };
}

interface ExplainedDecision {
  readonly oldMicros: Micros;
  readonly newMicros: Micros;
  readonly desiredMicros: Micros;
  readonly reasons: readonly DecisionReason[];
}

/**
 * One line: what happened, the guardrail that shaped it in brackets, then the numbers behind it, e.g.
 * "+20% (capped from +46%): model 11.4 leads/day at €300 (€26.30 each, next €32.90); target needs
 * €461/day; 7-day avg 11.2 vs target 18 (gap +38%)". `segmentLimitedMicros` is the amount after
 * the per-segment limits, before the run limits.
 */
function explainDecision(
  decision: ExplainedDecision,
  basis: string,
  segmentLimitedMicros: Micros,
  settings: GuardrailSettings,
): string {
  const { oldMicros, newMicros, desiredMicros, reasons } = decision;
  if (reasons.includes('kill_switch')) return 'no change: kill switch is on';
  if (reasons.includes('paused')) return 'no change: paused by admin';

  const has = (reason: DecisionReason): boolean => reasons.includes(reason);
  const wanted = (amount: Micros): string => wantedChange(oldMicros, amount);
  const notes: string[] = [];
  if (has('max_changes_per_run')) {
    notes.push(
      `max ${settings.maxChangesPerRun} changes per run reached, wanted ${wanted(segmentLimitedMicros)}`,
    );
  } else if (has('account_cap')) {
    notes.push(
      `account daily cap ${newMicros === oldMicros ? 'reached' : `trimmed from ${wanted(segmentLimitedMicros)}`}`,
    );
  }
  // When a run limit stopped the change, the per-segment limits no longer explain the outcome.
  const stoppedByRun = notes.length > 0 && newMicros === oldMicros;
  if (!stoppedByRun) {
    if (has('zero_budget_start')) notes.push(`the minimum to start, wanted ${wanted(desiredMicros)}`);
    else if (has('zero_capacity')) notes.push(`no partner capacity, wanted ${wanted(desiredMicros)}`);
    else if (has('min_budget')) {
      notes.push(`minimum budget ${formatEuros(settings.minBudgetMicros)}, wanted ${wanted(desiredMicros)}`);
    } else if (has('max_budget')) {
      notes.push(`maximum budget ${formatEuros(settings.maxBudgetMicros)}, wanted ${wanted(desiredMicros)}`);
    } else if (has('max_daily_change')) notes.push(`capped from ${wanted(desiredMicros)}`);
    if (has('below_min_change')) notes.push(`below the minimum change, wanted ${wanted(desiredMicros)}`);
  }

  let head: string;
  if (newMicros === oldMicros) head = 'no change';
  else if (oldMicros === 0) head = `start at ${formatEuros(newMicros)}`;
  else head = percentChange(oldMicros, newMicros);
  const brackets = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return `${head}${brackets}: ${basis}`;
}

/** A wanted amount as a change when it reads well ("+46%"), else as the amount ("€0.00"). */
function wantedChange(fromMicros: Micros, toMicros: Micros): string {
  if (fromMicros > 0 && toMicros > 0 && toMicros <= fromMicros * 5)
    return percentChange(fromMicros, toMicros);
  return formatEuros(Math.max(0, toMicros));
}

/** "+20%", "−8%" (a true minus sign), "+0.4%" when a whole percent would read as 0. */
function percentChange(fromMicros: Micros, toMicros: Micros): string {
  return signedPercent(((toMicros - fromMicros) / fromMicros) * 100);
}

function signedPercent(percent: number): string {
  const size = Math.abs(percent);
  const digits = size > 0 && size < 0.95 ? size.toFixed(1) : size.toFixed(0);
  return `${percent < 0 ? '−' : '+'}${digits}%`;
}

/** Euros for an explanation: cents below €100, whole euros above. */
function euros(amount: number): string {
  if (!Number.isFinite(amount)) return '∞';
  return amount < 100 ? `€${amount.toFixed(2)}` : `€${Math.round(amount).toLocaleString('en-US')}`;
}

function leadsText(leads: number): string {
  return Number.isInteger(leads) ? String(leads) : leads.toFixed(2);
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function assertInputs(segments: readonly BudgetSegmentInput[]): void {
  const seen = new Set<string>();
  for (const segment of segments) {
    if (seen.has(segment.segmentId))
      throw new RangeError(`Segment ${segment.segmentId} appears twice in one run.`);
    seen.add(segment.segmentId);
    if (!Number.isSafeInteger(segment.currentBudgetMicros) || segment.currentBudgetMicros < 0) {
      throw new RangeError(
        `currentBudgetMicros of segment ${segment.segmentId} must be a whole number ≥ 0, got ${segment.currentBudgetMicros}.`,
      );
    }
    for (const [name, value] of [
      ['targetLeadsPerDay', segment.targetLeadsPerDay],
      ['recentLeadsPerDay', segment.recentLeadsPerDay],
      ['leadsOnDate', segment.leadsOnDate],
      ['capacityTotalLeads', segment.capacityTotalLeads],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`${name} of segment ${segment.segmentId} must be a number ≥ 0, got ${value}.`);
      }
    }
    for (const day of segment.history) {
      if (
        !Number.isSafeInteger(day.spendMicros) ||
        day.spendMicros < 0 ||
        !Number.isSafeInteger(day.leads) ||
        day.leads < 0
      ) {
        throw new RangeError(
          `history of segment ${segment.segmentId} on ${day.date} needs whole leads and spend ≥ 0, got ${day.leads} leads and ${day.spendMicros} micros.`,
        );
      }
    }
  }
}
