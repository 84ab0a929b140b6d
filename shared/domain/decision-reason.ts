import { formatEuros, microsFromEuros } from './money.ts';

/**
 * A budget decision's reason as data: one code (the rule that decided the outcome) and the
 * numbers behind it, stored beside the one-line English explanation so that every reader can
 * say it in its own language. The renderer below is shared: the CLI uses the English words, the
 * dashboard Dutch or English (dashboard/src/i18n.ts). Pure: no SDK, no clock.
 */

/** The rule that decided the outcome, strongest first (a stop beats a limit beats the controller). */
export const reasonCodes = [
  'kill_switch',
  'paused',
  'campaign_without_budget',
  'foreign_currency',
  'shared_budget',
  'changed_outside',
  'max_changes_per_run',
  'account_cap',
  'zero_budget_start',
  'zero_capacity',
  'min_budget',
  'max_budget',
  'max_daily_change',
  'below_min_change',
  'no_data',
  'no_cost_data',
  'not_budget_limited',
  'max_marginal_cost',
  'within_margin',
  'no_model',
  'model',
  'plan_rule',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

/**
 * The numbers a sentence needs. Money that is a budget is exact (a string of euros with two
 * decimals); what a model estimates is a number of euros. Every field is optional: each code
 * names what it reads.
 */
export interface ReasonParams {
  /** Every rule that shaped the decision, in the order applied (the code is the strongest). */
  readonly reasons?: readonly string[];
  readonly old_budget?: string;
  readonly new_budget?: string;
  /** What the controller wanted, before any guardrail. */
  readonly wanted_budget?: string;
  /** After the per-segment limits, before the run's (change count, account cap). */
  readonly segment_limited_budget?: string;
  readonly max_changes_per_run?: number;
  readonly min_budget?: string;
  readonly max_budget?: string;
  /** The gap the controller acts on. */
  readonly recent_days?: number;
  readonly recent_leads_per_day?: number;
  readonly target_leads_per_day?: number;
  readonly gap_percent?: number;
  /** The response model at the current budget. */
  readonly model_leads_per_day?: number;
  readonly model_budget?: number;
  readonly model_cost_per_lead?: number;
  readonly model_marginal_cost?: number;
  /** Where the model reads the level off clicks: the clicks at the current budget, and the share that become leads. */
  readonly model_clicks_per_day?: number;
  readonly model_conversion_percent?: number;
  readonly needed_budget?: number;
  readonly lead_value?: number;
  readonly economic_budget?: number;
  readonly lost_share_percent?: number;
  readonly utilization_percent?: number;
  readonly margin_percent?: number;
  /** The plan rule. */
  readonly leads_on_date?: number;
  readonly plan_cost_per_lead?: string;
  /** The ads account's side. */
  readonly currency?: string;
  readonly last_set_budget?: string;
  readonly current_budget?: string;
}

export interface DecisionReasonData {
  readonly code: ReasonCode;
  readonly params: ReasonParams;
}

/** The words of one language; `{name}` is replaced by a formatted parameter. */
export interface ReasonWords {
  readonly noChange: string;
  readonly startAt: string;
  readonly killSwitch: string;
  readonly paused: string;
  readonly campaignWithoutBudget: string;
  readonly foreignCurrency: string;
  readonly sharedBudget: string;
  readonly changedOutside: string;
  readonly maxChangesPerRun: string;
  readonly accountCapReached: string;
  readonly accountCapTrimmed: string;
  readonly zeroBudgetStart: string;
  readonly zeroCapacity: string;
  readonly minBudget: string;
  readonly maxBudget: string;
  readonly maxDailyChange: string;
  readonly belowMinChange: string;
  readonly noData: string;
  readonly noCostData: string;
  readonly noModel: string;
  readonly model: string;
  readonly clicks: string;
  readonly targetNeeds: string;
  readonly leadEarns: string;
  readonly notBudgetLimited: string;
  readonly lostShare: string;
  readonly utilization: string;
  readonly withinMargin: string;
  readonly planRule: string;
  readonly gap: string;
}

/**
 * English, worded exactly as the stored explanation (a test holds the two together), so the CLI
 * and the log's readers see one sentence.
 */
export const englishReasonWords: ReasonWords = {
  noChange: 'no change',
  startAt: 'start at {new_budget}',
  killSwitch: 'no change: kill switch is on',
  paused: 'no change: paused by admin',
  campaignWithoutBudget: 'skipped: a mapped campaign has no budget in the ads account',
  foreignCurrency: 'skipped: the ads account bills in {currency}; LFI budgets and limits are in EUR',
  sharedBudget: 'skipped: the campaign uses a shared budget, which LFI never changes for one segment',
  changedOutside:
    'adopted: budget changed outside LFI (LFI set {last_set_budget}, now {current_budget}); kept as the new baseline, steering resumes from it tomorrow',
  maxChangesPerRun: 'max {max_changes_per_run} changes per run reached, wanted {wanted_run}',
  accountCapReached: 'account daily cap reached',
  accountCapTrimmed: 'account daily cap trimmed from {wanted_run}',
  zeroBudgetStart: 'the minimum to start, wanted {wanted}',
  zeroCapacity: 'no partner capacity, wanted {wanted}',
  minBudget: 'minimum budget {min_budget}, wanted {wanted}',
  maxBudget: 'maximum budget {max_budget}, wanted {wanted}',
  maxDailyChange: 'capped from {wanted}',
  belowMinChange: 'below the minimum change, wanted {wanted}',
  noData: 'no leads and no ad cost in the last {recent_days} days: no data is no signal',
  noCostData: 'no ad cost reported for the last {recent_days} days: no change without it',
  noModel: 'no spend to learn from yet',
  model:
    'model {model_leads_per_day} leads/day at {model_budget} ({model_cost_per_lead} each, next {model_marginal_cost})',
  clicks: 'from {model_clicks_per_day} clicks/day, {model_conversion_percent}% converting',
  targetNeeds: 'target needs {needed_budget}/day',
  leadEarns: 'a lead earns {lead_value}, so at most {economic_budget}/day',
  notBudgetLimited: 'budget does not limit delivery',
  lostShare: '{lost_share_percent}% impressions lost to budget',
  utilization: '{utilization_percent}% of budget spent',
  withinMargin: "within the model's margin ±{margin_percent}%",
  planRule:
    'plan rule: yesterday {leads_on_date} leads vs target {target_leads_per_day}; CPL {plan_cost_per_lead} fixed',
  gap: '{recent_days}-day avg {recent_leads_per_day} vs target {target_leads_per_day} (gap {gap_percent})',
};

/** How numbers look in one language. */
export interface ReasonFormat {
  /** An exact euro amount ("12.50") or a model's estimate in euros. */
  readonly euros: (amount: string | number) => string;
  readonly number: (value: number, digits: number) => string;
}

/** Exact budgets as stored, grouped ("€1,000.00"); a model's estimates in cents below €100, else whole euros. */
export const englishReasonFormat: ReasonFormat = {
  euros: (amount) => {
    if (typeof amount === 'string') return formatEuros(microsFromEuros(amount));
    if (!Number.isFinite(amount)) return '∞';
    return amount < 100 ? `€${amount.toFixed(2)}` : `€${Math.round(amount).toLocaleString('en-US')}`;
  },
  number: (value, digits) => value.toFixed(digits),
};

/**
 * One sentence: what happened, the limits that shaped it in brackets, then the numbers behind
 * it. The same shape as the stored English explanation, in the words given.
 */
export function renderReason(
  reason: DecisionReasonData,
  words: ReasonWords = englishReasonWords,
  format: ReasonFormat = englishReasonFormat,
): string {
  const p = reason.params;
  const fill = (template: string, extra: Record<string, string> = {}) =>
    template.replace(/\{(\w+)\}/g, (_, key: string) => extra[key] ?? formatParam(key, p, format));
  switch (reason.code) {
    case 'kill_switch':
      return words.killSwitch;
    case 'paused':
      return words.paused;
    case 'campaign_without_budget':
      return words.campaignWithoutBudget;
    case 'foreign_currency':
      return fill(words.foreignCurrency);
    case 'shared_budget':
      return words.sharedBudget;
    case 'changed_outside':
      return fill(words.changedOutside);
  }
  const has = (code: string) => p.reasons?.includes(code) ?? false;
  // Budgets are whole cents: compare and divide them as integers, as the controller does in micros.
  const oldBudget = cents(p.old_budget);
  const newBudget = cents(p.new_budget);
  const wanted = (amount: string | undefined) => wantedChange(oldBudget, cents(amount), format);
  const extra = { wanted: wanted(p.wanted_budget), wanted_run: wanted(p.segment_limited_budget) };

  const notes: string[] = [];
  if (has('max_changes_per_run')) notes.push(fill(words.maxChangesPerRun, extra));
  else if (has('account_cap'))
    notes.push(fill(newBudget === oldBudget ? words.accountCapReached : words.accountCapTrimmed, extra));
  const stoppedByRun = notes.length > 0 && newBudget === oldBudget;
  if (!stoppedByRun) {
    if (has('zero_budget_start')) notes.push(fill(words.zeroBudgetStart, extra));
    else if (has('zero_capacity')) notes.push(fill(words.zeroCapacity, extra));
    else if (has('min_budget')) notes.push(fill(words.minBudget, extra));
    else if (has('max_budget')) notes.push(fill(words.maxBudget, extra));
    else if (has('max_daily_change')) notes.push(fill(words.maxDailyChange, extra));
    if (has('below_min_change')) notes.push(fill(words.belowMinChange, extra));
  }

  const basis: string[] = [];
  if (has('no_data')) basis.push(fill(words.noData));
  else if (has('no_cost_data')) basis.push(fill(words.noCostData));
  else if (p.leads_on_date !== undefined) basis.push(fill(words.planRule));
  else if (p.model_leads_per_day === undefined) basis.push(words.noModel);
  else {
    basis.push(fill(words.model));
    if (p.model_clicks_per_day !== undefined) basis.push(fill(words.clicks));
    basis.push(fill(has('max_marginal_cost') ? words.leadEarns : words.targetNeeds));
    if (has('not_budget_limited')) {
      const why = [
        p.lost_share_percent !== undefined ? fill(words.lostShare) : '',
        p.utilization_percent !== undefined ? fill(words.utilization) : '',
      ].filter(Boolean);
      basis.push(`${words.notBudgetLimited}${why.length ? ` (${why.join(', ')})` : ''}`);
    }
    if (has('within_margin')) basis.push(fill(words.withinMargin));
  }
  if (p.leads_on_date === undefined && p.target_leads_per_day !== undefined) basis.push(fill(words.gap));

  const head =
    newBudget === oldBudget
      ? words.noChange
      : oldBudget === 0
        ? fill(words.startAt)
        : signedPercent(((newBudget - oldBudget) / oldBudget) * 100, format);
  return `${head}${notes.length ? ` (${notes.join('; ')})` : ''}: ${basis.join('; ')}`;
}

/** The strongest rule among those that shaped a decision, by the order of `reasonCodes`. */
export function primaryReason(reasons: readonly string[], fallback: ReasonCode): ReasonCode {
  return reasonCodes.find((code) => reasons.includes(code)) ?? fallback;
}

const moneyParams = new Set([
  'old_budget',
  'new_budget',
  'wanted_budget',
  'segment_limited_budget',
  'min_budget',
  'max_budget',
  'model_budget',
  'model_cost_per_lead',
  'model_marginal_cost',
  'needed_budget',
  'lead_value',
  'economic_budget',
  'plan_cost_per_lead',
  'last_set_budget',
  'current_budget',
]);

function formatParam(key: string, params: ReasonParams, format: ReasonFormat): string {
  const value = (params as Record<string, unknown>)[key];
  if (value === undefined || value === null) return '—';
  if (moneyParams.has(key) && (typeof value === 'string' || typeof value === 'number'))
    return format.euros(value);
  if (key === 'gap_percent' && typeof value === 'number') return signedPercent(value, format);
  if (key === 'recent_leads_per_day' || key === 'model_leads_per_day' || key === 'model_conversion_percent')
    return format.number(Number(value), 1);
  if (key === 'target_leads_per_day' && typeof value === 'number')
    return format.number(value, Number.isInteger(value) ? 0 : 2);
  if (typeof value === 'number') return format.number(value, 0);
  return String(value);
}

/** A wanted amount (in cents) as a change when it reads well ("+46%"), else as the amount. */
function wantedChange(from: number, to: number, format: ReasonFormat): string {
  if (from > 0 && to > 0 && to <= from * 5) return signedPercent(((to - from) / from) * 100, format);
  return format.euros((Math.max(0, to) / 100).toFixed(2));
}

/** "12.50" → 1250. */
const cents = (euros: string | undefined): number => Math.round(Number(euros ?? 0) * 100);

/** "+20%", "−8%" (a true minus sign), "+0.4%" when a whole percent would read as 0. */
function signedPercent(percent: number, format: ReasonFormat): string {
  const size = Math.abs(percent);
  const digits = size > 0 && size < 0.95 ? 1 : 0;
  return `${percent < 0 ? '−' : '+'}${format.number(size, digits)}%`;
}
