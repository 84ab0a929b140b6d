import type { AdsChannel } from '../ads/ads-channel.port.ts';
import { createSimulatedMarket } from '../ads/simulated-market.ts';
import type { AlertChannel } from '../alerts/alerts.port.ts';
import { logAlertChannel } from '../alerts/log-alerts.adapter.ts';
import { snsAlertChannel } from '../alerts/sns-alerts.adapter.ts';
import { type Config, ConfigError } from '../config/config.ts';
import type { Database } from '../db/database.port.ts';
import { openDatabase } from '../db/open-database.ts';
import {
  type GoogleAdsCredentials,
  googleAdsCredentialsFromEnv,
  googleAdsCredentialsFromSecret,
  hasGoogleAdsCredentialsInEnv,
} from './credentials.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { type Metrics, noMetrics } from './metrics.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a step or handler needs, chosen in one place (the composition root). */
export interface Runtime {
  readonly config: Config;
  readonly db: Database;
  readonly ads: AdsChannel;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where on-call alerts go: the SNS topic in AWS, the log elsewhere. */
  readonly alerts: AlertChannel;
  /** The run's numbers: EMF in Lambda, nowhere elsewhere. */
  readonly metrics: Metrics;
}

/** Loads the Google Ads client on first use. Only the entries that talk to Google Ads pass it, so
 * only their bundles carry google-ads-api. */
export type GoogleAdsLoader = () => Promise<typeof import('../ads/google-ads.client.ts')>;

export interface RuntimeParts {
  readonly db?: Database;
  /** Where the `google-ads` channel comes from; without it that channel is refused. */
  readonly googleAds?: GoogleAdsLoader;
  readonly ads?: AdsChannel;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly alerts?: AlertChannel;
  readonly metrics?: Metrics;
}

export async function createRuntime(config: Config, parts: RuntimeParts = {}): Promise<Runtime> {
  const db = parts.db ?? (await openDatabase(config));
  const logger = parts.logger ?? jsonLogger('lfi', { level: config.LFI_LOG_LEVEL });
  const clock = parts.clock ?? systemClock;
  return {
    config,
    db,
    ads: parts.ads ?? adsChannelFor(config, db, logger, clock, parts.googleAds),
    clock,
    logger,
    alerts:
      parts.alerts ??
      (config.LFI_ALERT_TOPIC_ARN ? snsAlertChannel(config.LFI_ALERT_TOPIC_ARN) : logAlertChannel(logger)),
    metrics: parts.metrics ?? noMetrics,
  };
}

function adsChannelFor(
  config: Config,
  db: Database,
  logger: Logger,
  clock: Clock,
  googleAds: GoogleAdsLoader | undefined,
): AdsChannel {
  switch (config.LFI_ADS_CHANNEL) {
    case 'simulated':
      return createSimulatedMarket(db, {
        seed: config.LFI_SIM_SEED,
        failCampaigns: new Set(config.LFI_SIM_FAIL_CAMPAIGNS),
        timeZone: config.LFI_TIME_ZONE,
        now: () => clock.now(),
      });
    case 'google-ads':
      // Built on first use: steps that never call the ads channel (plan, record-failure, the
      // API) neither read its secret nor load google-ads-api.
      return lazyAdsChannel('google_ads', async () =>
        googleAdsChannel(googleAds, await googleAdsCredentials(config), {
          logger,
          timeZone: config.LFI_TIME_ZONE,
        }),
      );
  }
}

/** The Google Ads channel, with google-ads-api loaded on demand. */
export async function googleAdsChannel(
  load: GoogleAdsLoader | undefined,
  credentials: GoogleAdsCredentials,
  options: { readonly logger: Logger; readonly timeZone: string },
): Promise<AdsChannel> {
  if (!load)
    throw new ConfigError(
      'The Google Ads channel is not in this build: only the aggregate and orchestrate steps and the CLI carry it.',
    );
  const { createGoogleAdsChannel } = await load();
  return createGoogleAdsChannel(credentials, options);
}

function lazyAdsChannel(name: AdsChannel['name'], load: () => Promise<AdsChannel>): AdsChannel {
  let channel: Promise<AdsChannel> | undefined;
  const loaded = () => {
    channel ??= load();
    channel.catch(() => {
      channel = undefined; // a failed start (secret, network) is retried on the next call
    });
    return channel;
  };
  return {
    name,
    dailyMetrics: async (campaigns, from, to) => (await loaded()).dailyMetrics(campaigns, from, to),
    currentBudgets: async (campaigns) => (await loaded()).currentBudgets(campaigns),
    applyBudgetChanges: async (customerId, changes, options) =>
      (await loaded()).applyBudgetChanges(customerId, changes, options),
  };
}

/** Secrets Manager in AWS (GOOGLE_ADS_SECRET_ID), else the GOOGLE_ADS_* variables. */
export async function googleAdsCredentials(config: Config): Promise<GoogleAdsCredentials> {
  if (config.GOOGLE_ADS_SECRET_ID) return googleAdsCredentialsFromSecret(config.GOOGLE_ADS_SECRET_ID);
  if (hasGoogleAdsCredentialsInEnv(config)) return googleAdsCredentialsFromEnv(config);
  throw new ConfigError(
    'LFI_ADS_CHANNEL=google-ads needs credentials: GOOGLE_ADS_SECRET_ID (a Secrets Manager secret), or GOOGLE_ADS_DEVELOPER_TOKEN, GOOGLE_ADS_CLIENT_ID, GOOGLE_ADS_CLIENT_SECRET, GOOGLE_ADS_REFRESH_TOKEN and GOOGLE_ADS_LOGIN_CUSTOMER_ID; locally also `lfi run --channel google-ads --credentials FILE`.',
  );
}
