import type { ReportOptions } from 'google-ads-api';
import { z } from 'zod';
import { isIsoDate } from '../domain/business-day.ts';
import { remainingMs } from '../runtime/deadline.ts';
import type { Logger } from '../runtime/logger.ts';
import type {
  AdsChannel,
  BudgetChange,
  BudgetChangeResult,
  CampaignBudget,
  CampaignDailyMetrics,
  CampaignRef,
} from './ads-channel.port.ts';
import { decodeGoogleAdsFailure, type RetryOptions, withAdsRetries } from './ads-errors.ts';

/**
 * The slice of google-ads-api's `Customer` LFI uses, with the library's own method names and
 * request/response shapes: the boundary the tests replace.
 */
export interface GoogleAdsCustomer {
  /** A report built by the library's query builder (typed fields, quoted values) into GAQL. */
  report(options: ReportOptions): Promise<unknown[]>;
  readonly campaignBudgets: {
    update(
      budgets: CampaignBudgetUpdate[],
      options: { partial_failure: boolean; validate_only: boolean },
    ): Promise<unknown>;
  };
}

export interface CampaignBudgetUpdate {
  resource_name: string;
  amount_micros: number;
}

export type CustomerFor = (customerId: string) => GoogleAdsCustomer;

export interface GoogleAdsChannelOptions {
  readonly customerFor: CustomerFor;
  readonly logger: Logger;
  /** Time left before the deadline; by default the current Lambda invocation's (runtime/deadline.ts). */
  readonly remainingMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The business time zone: an account reporting days in another one is logged as a warning. */
  readonly timeZone?: string;
  /** One call never waits longer than this (the library's own gRPC retries can run for minutes). */
  readonly callTimeoutMs?: number;
  /** The currency's smallest unit in micros: budgets are whole units (EUR cents). */
  readonly currencyUnitMicros?: number;
  readonly retry?: Pick<
    RetryOptions,
    'attempts' | 'networkAttempts' | 'baseDelayMs' | 'networkDelayMs' | 'reserveMs'
  >;
}

/** Google Ads accepts at most 10,000 operations in one mutate request. */
const maxOperationsPerRequest = 10_000;

const count = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int().nonnegative());
const id = z.union([z.number(), z.string()]).transform(String);

// REST responses leave out zero values (proto3 JSON), so every metric defaults to 0.
const metricsRowSchema = z.object({
  campaign: z.object({ id }),
  campaign_budget: z.object({ amount_micros: count.optional() }).optional(),
  metrics: z
    .object({
      cost_micros: count.default(0),
      clicks: count.default(0),
      conversions: z.coerce.number().nonnegative().default(0),
      search_budget_lost_impression_share: z.coerce.number().optional(),
    })
    .default({ cost_micros: 0, clicks: 0, conversions: 0 }),
  segments: z.object({ date: z.string().refine(isIsoDate) }),
  customer: z.object({ time_zone: z.string() }).optional(),
});

const budgetRowSchema = z.object({
  campaign: z.object({ id }),
  campaign_budget: z.object({
    resource_name: z.string().regex(/^customers\/\d+\/campaignBudgets\/\d+$/),
    amount_micros: count.default(0),
    explicitly_shared: z.boolean().default(false),
    reference_count: count.default(0),
  }),
  customer: z.object({ currency_code: z.string() }).optional(),
});

/**
 * The Google Ads channel on google-ads-api: one GAQL report per account for the
 * whole window, current budgets with their sharing, and one CampaignBudgetService mutate per
 * account with partial failure on (validate_only for dry runs). Calls are retried per
 * shared/ads/ads-errors.ts and never past the invocation's deadline.
 */
export class GoogleAdsChannel implements AdsChannel {
  readonly name = 'google_ads' as const;
  readonly #options: GoogleAdsChannelOptions;
  readonly #retry: RetryOptions;

  constructor(options: GoogleAdsChannelOptions) {
    this.#options = options;
    this.#retry = {
      logger: options.logger,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      remainingMs: options.remainingMs ?? remainingMs,
      ...options.retry,
    };
  }

  async dailyMetrics(
    campaigns: readonly CampaignRef[],
    from: string,
    to: string,
  ): Promise<CampaignDailyMetrics[]> {
    if (!isIsoDate(from) || !isIsoDate(to))
      throw new Error(`Report dates must be YYYY-MM-DD; got ${from}..${to}.`);
    const perAccount = await Promise.all(
      [...byAccount(campaigns)].map(async ([customerId, refs]) => {
        const report = dailyMetricsReport(refs, from, to);
        const rows = (
          await this.#call(`daily report for account ${customerId}`, () =>
            this.#options.customerFor(customerId).report(report),
          )
        ).map((raw) => metricsRowSchema.parse(raw));
        this.#checkTimeZone(customerId, rows[0]?.customer?.time_zone);
        return rows.map((row): CampaignDailyMetrics => {
          const lostShare = row.metrics.search_budget_lost_impression_share;
          const budget = row.campaign_budget?.amount_micros;
          return {
            customerId,
            campaignId: row.campaign.id,
            date: row.segments.date,
            costMicros: row.metrics.cost_micros,
            clicks: row.metrics.clicks,
            conversions: row.metrics.conversions,
            ...(budget === undefined ? {} : { budgetMicros: budget }),
            ...(lostShare === undefined ? {} : { searchBudgetLostImpressionShare: lostShare }),
          };
        });
      }),
    );
    return perAccount.flat();
  }

  /** segments.date is the account's day: the same as the business day only in the same time zone. */
  #checkTimeZone(customerId: string, accountTimeZone: string | undefined): void {
    const businessTimeZone = this.#options.timeZone;
    if (!businessTimeZone || !accountTimeZone || accountTimeZone === businessTimeZone) return;
    this.#options.logger.warn(
      'Google Ads account reports days in another time zone: its cost is counted on its own calendar days',
      { customerId, accountTimeZone, businessTimeZone },
    );
  }

  async currentBudgets(campaigns: readonly CampaignRef[]): Promise<CampaignBudget[]> {
    const perAccount = await Promise.all(
      [...byAccount(campaigns)].map(async ([customerId, refs]) => {
        const report = budgetsReport(refs);
        const rows = (
          await this.#call(`budgets for account ${customerId}`, () =>
            this.#options.customerFor(customerId).report(report),
          )
        ).map((raw) => budgetRowSchema.parse(raw));
        const segmentOf = new Map(refs.map((r) => [r.campaignId, r.segmentId]));
        const usersOf = groupBy(rows, (row) => row.campaign_budget.resource_name);
        return rows.map((row): CampaignBudget => {
          const budget = row.campaign_budget;
          const users = usersOf.get(budget.resource_name) ?? [];
          const segmentId = segmentOf.get(row.campaign.id);
          const segments = new Set(users.map((user) => segmentOf.get(user.campaign.id)));
          // Shared, unless every campaign using it (reference_count counts the live ones, and
          // removed campaigns are not queried) is mapped to one and the same segment.
          const oneSegment =
            users.length >= budget.reference_count && segments.size === 1 && !segments.has(undefined);
          const sharedInAds = budget.explicitly_shared || budget.reference_count > 1;
          return {
            customerId,
            campaignId: row.campaign.id,
            ...(segmentId ? { segmentId } : {}),
            budgetId: budget.resource_name.split('/').at(-1) ?? '',
            amountMicros: budget.amount_micros,
            shared: sharedInAds && !oneSegment,
            ...(row.customer ? { currencyCode: row.customer.currency_code } : {}),
          };
        });
      }),
    );
    return perAccount.flat();
  }

  async applyBudgetChanges(
    customerId: string,
    changes: readonly BudgetChange[],
    options: { readonly validateOnly: boolean },
  ): Promise<BudgetChangeResult[]> {
    const customer = this.#options.customerFor(customerId);
    const unit = this.#options.currencyUnitMicros ?? 10_000;
    const results: BudgetChangeResult[] = [];
    for (let start = 0; start < changes.length; start += maxOperationsPerRequest) {
      const chunk = changes.slice(start, start + maxOperationsPerRequest);
      const operations = chunk.map(
        (change): CampaignBudgetUpdate => ({
          resource_name: `customers/${customerId}/campaignBudgets/${change.budgetId}`,
          amount_micros: Math.round(change.newAmountMicros / unit) * unit,
        }),
      );
      try {
        const response = await this.#call(`budget changes for account ${customerId}`, () =>
          customer.campaignBudgets.update(operations, {
            partial_failure: true,
            validate_only: options.validateOnly,
          }),
        );
        results.push(...this.#results(customerId, chunk, response));
      } catch (error) {
        // The whole request failed (withAdsRetries classified it): every change in it failed.
        const message = error instanceof Error ? error.message : String(error);
        results.push(...chunk.map((change) => ({ change, ok: false as const, error: message })));
      }
    }
    return results;
  }

  /** Maps each operation's partial failure back to its change, by operation index. */
  #results(customerId: string, changes: readonly BudgetChange[], response: unknown): BudgetChangeResult[] {
    const failure = decodeGoogleAdsFailure(
      typeof response === 'object' && response !== null
        ? (response as { partial_failure_error?: unknown }).partial_failure_error
        : undefined,
    );
    if (!failure?.errors.length) return changes.map((change) => ({ change, ok: true }));
    this.#options.logger.warn('Google Ads rejected budget changes', {
      customerId,
      ...(failure.requestId ? { requestId: failure.requestId } : {}),
      googleAdsErrors: failure.errors,
    });
    return changes.map((change, index) => {
      const errors = failure.errors.filter(
        (e) => e.operationIndex === undefined || e.operationIndex === index,
      );
      return errors.length
        ? { change, ok: false, error: errors.map((e) => `${e.code}: ${e.message}`).join('; ') }
        : { change, ok: true };
    });
  }

  #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const timeout = this.#options.callTimeoutMs ?? 60_000;
    return withAdsRetries(
      operation,
      () => withTimeout(call(), Math.max(1, Math.min(timeout, this.#retry.remainingMs() - 5_000))),
      this.#retry,
    );
  }
}

/** The daily report: one query per account for the whole window. */
function dailyMetricsReport(campaigns: readonly CampaignRef[], from: string, to: string): ReportOptions {
  return {
    entity: 'campaign',
    attributes: [
      'campaign.id',
      'campaign.campaign_budget',
      'campaign_budget.amount_micros',
      'customer.time_zone',
    ],
    metrics: [
      'metrics.cost_micros',
      'metrics.clicks',
      'metrics.conversions',
      'metrics.search_budget_lost_impression_share',
    ],
    segments: ['segments.date'],
    constraints: [{ key: 'campaign.id', op: 'IN', val: campaignIds(campaigns) }],
    from_date: from,
    to_date: to,
  };
}

/** The current budgets of mapped campaigns, with what tells a shared budget. */
function budgetsReport(campaigns: readonly CampaignRef[]): ReportOptions {
  return {
    entity: 'campaign',
    attributes: [
      'campaign.id',
      'campaign_budget.resource_name',
      'campaign_budget.amount_micros',
      'campaign_budget.explicitly_shared',
      'campaign_budget.reference_count',
      'customer.currency_code',
    ],
    constraints: [
      { key: 'campaign.id', op: 'IN', val: campaignIds(campaigns) },
      { key: 'campaign.status', op: '!=', val: 'REMOVED' },
    ],
  };
}

/**
 * Campaign ids are int64 in GAQL and go in as numbers: digits only (the mapping table checks the
 * same), and small enough to stay exact (Google's ids are 10–11 digits).
 */
function campaignIds(campaigns: readonly CampaignRef[]): number[] {
  for (const { campaignId } of campaigns)
    if (!/^\d+$/.test(campaignId) || !Number.isSafeInteger(Number(campaignId)))
      throw new Error(`Campaign id must be digits (at most 15); got "${campaignId}".`);
  return [...new Set(campaigns.map((c) => Number(c.campaignId)))];
}

const byAccount = (campaigns: readonly CampaignRef[]) => groupBy(campaigns, (ref) => ref.customerId);

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error(`No answer within ${Math.round(ms / 1000)} s`), {
            code: 'ERR_ADS_TIMEOUT',
          }),
        ),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
