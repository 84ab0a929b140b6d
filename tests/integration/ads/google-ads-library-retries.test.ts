import { GoogleAdsApi } from 'google-ads-api';
import { describe, expect, it } from 'vitest';
import { withoutLibraryRetries } from '../../../shared/ads/google-ads.client.ts';

// The real google-ads-api and google-gax (no network: a gRPC client connects on its first call).
describe('the Google Ads library under LFI', () => {
  it('leaves retrying a budget mutate to LFI: google-gax retries nothing', () => {
    const api = new GoogleAdsApi({ client_id: 'id', client_secret: 'secret', developer_token: 'token' });
    const customer = api.Customer({ customer_id: '1234567890', refresh_token: 'refresh-for-retries-test' });
    const before = (
      customer as unknown as { loadService(name: string): ReturnType<typeof withoutLibraryRetries> }
    ).loadService('CampaignBudgetServiceClient');
    // What gax would do on its own: retry UNAVAILABLE (14) and DEADLINE_EXCEEDED (4).
    expect(before._defaults?.mutateCampaignBudgets?.retry?.retryCodes).toEqual(
      expect.arrayContaining([4, 14]),
    );

    const service = withoutLibraryRetries(customer);

    expect(service).toBe(before);
    expect(service._defaults?.mutateCampaignBudgets?.retry?.retryCodes).toEqual([]);
  });
});
