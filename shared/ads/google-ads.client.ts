import { type Customer, GoogleAdsApi } from 'google-ads-api';
import type { GoogleAdsCredentials } from '../runtime/credentials.ts';
import {
  type CustomerFor,
  GoogleAdsChannel,
  type GoogleAdsChannelOptions,
  type GoogleAdsCustomer,
} from './google-ads.channel.ts';

/**
 * The only module that loads google-ads-api (about 27 MB bundled): the composition root imports
 * it dynamically, so Lambdas that never talk to Google Ads do not carry it.
 */
export function googleAdsCustomers(credentials: GoogleAdsCredentials): CustomerFor {
  const api = new GoogleAdsApi({
    client_id: credentials.client_id,
    client_secret: credentials.client_secret,
    developer_token: credentials.developer_token,
  });
  const customers = new Map<string, GoogleAdsCustomer>();
  return (customerId) => {
    const known = customers.get(customerId);
    if (known) return known;
    const customer = api.Customer({
      customer_id: customerId,
      refresh_token: credentials.refresh_token,
      login_customer_id: credentials.login_customer_id,
    });
    withoutLibraryRetries(customer);
    const wrapped: GoogleAdsCustomer = {
      report: (options) => customer.report(options),
      campaignBudgets: {
        update: async (budgets, options) => {
          // Mutates go over gRPC, whose auth plugin turns an OAuth failure into UNAVAILABLE that
          // google-gax retries for minutes: fetch the token first, so it fails fast and clearly.
          await customer.getAccessToken();
          return customer.campaignBudgets.update(budgets, options);
        },
      },
    };
    customers.set(customerId, wrapped);
    return wrapped;
  };
}

interface GaxClient {
  readonly _defaults?: Record<string, { retry?: { retryCodes?: number[] } | null } | undefined>;
}

/**
 * google-gax retries a mutate on UNAVAILABLE and DEADLINE_EXCEEDED for up to 10 minutes, under
 * LFI's own retries (ads-errors.ts), which know Google's retry_delay, the quota rule and the
 * Lambda's deadline: one retry layer per fault, so the library's is switched off. The settings
 * object is the one each call merges its options into, so changing it in place takes effect.
 */
export function withoutLibraryRetries(customer: Customer): GaxClient {
  const service = (
    customer as unknown as { loadService(name: 'CampaignBudgetServiceClient'): GaxClient }
  ).loadService('CampaignBudgetServiceClient');
  const retry = service._defaults?.mutateCampaignBudgets?.retry;
  if (retry) retry.retryCodes = [];
  return service;
}

export function createGoogleAdsChannel(
  credentials: GoogleAdsCredentials,
  options: Omit<GoogleAdsChannelOptions, 'customerFor'>,
): GoogleAdsChannel {
  return new GoogleAdsChannel({ ...options, customerFor: googleAdsCustomers(credentials) });
}
