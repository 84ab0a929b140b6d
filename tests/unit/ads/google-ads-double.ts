import type { ReportOptions } from 'google-ads-api';
// The library's own GAQL builder, which `Customer.report` runs: the double records the query text
// that would go over the wire.
import { buildQuery } from 'google-ads-api/build/src/query.js';
import type {
  CampaignBudgetUpdate,
  CustomerFor,
  GoogleAdsCustomer,
} from '../../../shared/ads/google-ads.channel.ts';

/**
 * A double of google-ads-api's `Customer` (report and campaignBudgets.update), holding campaigns
 * and budgets like an ads account. It records every request exactly as the adapter sent it, and
 * answers in the library's shapes: snake_case rows, zero metrics left out (proto3 JSON), and a
 * decoded GoogleAdsFailure in `partial_failure_error` with each error's operation index.
 */
export interface FakeBudget {
  amountMicros: number;
  explicitlyShared?: boolean;
  referenceCount?: number;
}

export type FakeRequest =
  | { readonly customerId: string; readonly kind: 'report'; readonly gaql: string }
  | {
      readonly customerId: string;
      readonly kind: 'update';
      readonly budgets: CampaignBudgetUpdate[];
      readonly options: { partial_failure: boolean; validate_only: boolean };
    };

export interface FakeGoogleAds {
  readonly customerFor: CustomerFor;
  readonly requests: FakeRequest[];
  /** resource name → budget */
  readonly budgets: Map<string, FakeBudget>;
  /** `${customerId}/${campaignId}` → budget resource name */
  readonly campaigns: Map<string, string>;
  /** Errors thrown by the next calls, in order (then calls succeed again). */
  readonly failNext: unknown[];
  /** Budget resource names whose update is rejected inside a partial-failure response. */
  readonly rejectBudgets: Set<string>;
  /** The accounts' currencies (default EUR). */
  readonly currencies: Map<string, string>;
  /** The accounts' time zones (default Europe/Amsterdam). */
  readonly timeZones: Map<string, string>;
  /** Metrics per campaign and date; missing ones report nothing. */
  readonly metrics: Map<string, { cost_micros?: number; clicks?: number; conversions?: number }>;
}

export const budgetResource = (customerId: string, budgetId: string) =>
  `customers/${customerId}/campaignBudgets/${budgetId}`;

export function fakeGoogleAds(): FakeGoogleAds {
  const fake: FakeGoogleAds = {
    requests: [],
    budgets: new Map(),
    campaigns: new Map(),
    failNext: [],
    rejectBudgets: new Set(),
    timeZones: new Map(),
    currencies: new Map(),
    metrics: new Map(),
    customerFor: (customerId) => customer(customerId),
  };
  const maybeFail = () => {
    if (fake.failNext.length) throw fake.failNext.shift();
  };

  const customer = (customerId: string): GoogleAdsCustomer => ({
    async report(options: ReportOptions) {
      fake.requests.push({ customerId, kind: 'report', gaql: buildQuery(options).gaqlQuery });
      maybeFail();
      const ids = (options.constraints as { key: string; val: number[] }[])
        .filter((c) => c.key === 'campaign.id')
        .flatMap((c) => c.val.map(String));
      const dates = options.from_date ? { from: options.from_date, to: options.to_date ?? '' } : undefined;
      const rows: unknown[] = [];
      for (const campaignId of ids) {
        const resource = fake.campaigns.get(`${customerId}/${campaignId}`);
        if (!resource) continue;
        const budget = fake.budgets.get(resource);
        if (!dates) {
          rows.push({
            campaign: {
              resource_name: `customers/${customerId}/campaigns/${campaignId}`,
              id: Number(campaignId),
            },
            campaign_budget: {
              resource_name: resource,
              amount_micros: budget?.amountMicros,
              explicitly_shared: budget?.explicitlyShared ?? false,
              reference_count: budget?.referenceCount ?? 1,
            },
            customer: { currency_code: fake.currencies.get(customerId) ?? 'EUR' },
          });
          continue;
        }
        for (const [key, metrics] of fake.metrics) {
          const [account, campaign, date] = key.split('/');
          if (account !== customerId || campaign !== campaignId || !date) continue;
          if (date < dates.from || date > dates.to) continue;
          rows.push({
            campaign: { id: Number(campaignId), campaign_budget: resource },
            campaign_budget: { amount_micros: budget?.amountMicros },
            metrics: { ...metrics, search_budget_lost_impression_share: 0.1 },
            segments: { date },
            customer: { time_zone: fake.timeZones.get(customerId) ?? 'Europe/Amsterdam' },
          });
        }
      }
      return rows;
    },
    campaignBudgets: {
      async update(budgets, options) {
        fake.requests.push({ customerId, kind: 'update', budgets: structuredClone(budgets), options });
        maybeFail();
        const errors: unknown[] = [];
        const results = budgets.map((op, index) => {
          if (fake.rejectBudgets.has(op.resource_name)) {
            errors.push({
              error_code: { campaign_budget_error: 'BUDGET_IN_USE_BY_EXPERIMENT' },
              message: 'The budget cannot be changed while an experiment uses it.',
              location: {
                field_path_elements: [{ field_name: 'operations', index }, { field_name: 'update' }],
              },
            });
            return {};
          }
          const budget = fake.budgets.get(op.resource_name);
          if (budget && !options.validate_only) budget.amountMicros = op.amount_micros;
          return options.validate_only ? {} : { resource_name: op.resource_name };
        });
        return {
          results,
          partial_failure_error: errors.length ? { errors, request_id: 'fake-request-1' } : null,
        };
      },
    },
  });
  return fake;
}

/**
 * A GoogleAdsFailure as google-ads-api throws it: a decoded protobuf message (not an Error),
 * snake_case, enum values by name (REST) or number (gRPC).
 */
export function googleAdsFailure(
  errorCode: Record<string, string | number>,
  message: string,
  retryDelaySeconds?: number,
): unknown {
  return {
    errors: [
      {
        error_code: errorCode,
        message,
        ...(retryDelaySeconds === undefined
          ? {}
          : { details: { quota_error_details: { retry_delay: { seconds: retryDelaySeconds } } } }),
      },
    ],
    request_id: 'fake-request-2',
  };
}
