import { describe, expect, it } from 'vitest';
import { loadGoogleAds } from '../../../shared/ads/google-ads.loader.ts';
import { ConfigError, loadConfig } from '../../../shared/config/config.ts';
import type { Database } from '../../../shared/db/database.port.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';

// Placeholders in the shape of real credentials; nothing is sent (the channel is built, not called).
const env = {
  LFI_ADS_CHANNEL: 'google-ads',
  GOOGLE_ADS_DEVELOPER_TOKEN: 'test-developer-token',
  GOOGLE_ADS_CLIENT_ID: 'test-client-id',
  GOOGLE_ADS_CLIENT_SECRET: 'test-client-secret',
  GOOGLE_ADS_REFRESH_TOKEN: 'test-refresh-token',
  GOOGLE_ADS_LOGIN_CUSTOMER_ID: '1234567890',
};
const noDatabase = {} as Database;

describe('which runtime carries the Google Ads channel', () => {
  it('is chosen by the composition root: without a loader the channel is refused on first use, naming why', async () => {
    const runtime = await createRuntime(loadConfig(env), { db: noDatabase, logger: silentLogger });
    await expect(runtime.ads.currentBudgets([])).rejects.toThrow(ConfigError);
    await expect(runtime.ads.currentBudgets([])).rejects.toThrow(/not in this build/);
  });

  it('loads google-ads-api through the loader it is given, on the first call', async () => {
    let loads = 0;
    const runtime = await createRuntime(loadConfig(env), {
      db: noDatabase,
      logger: silentLogger,
      googleAds: () => {
        loads += 1;
        return loadGoogleAds();
      },
    });
    expect(loads).toBe(0);
    expect(runtime.ads.name).toBe('google_ads');
    await expect(runtime.ads.currentBudgets([])).resolves.toEqual([]);
    expect(loads).toBe(1);
  });
});
