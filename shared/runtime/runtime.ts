import type { AdsChannel } from '../ads/ads-channel.port.ts';
import { createSimulatedMarket } from '../ads/simulated-market.ts';
import { type Config, ConfigError } from '../config/config.ts';
import type { Database } from '../db/database.port.ts';
import { openDatabase } from '../db/open-database.ts';
import { jsonLogger, type Logger } from './logger.ts';

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
}

export interface RuntimeParts {
  readonly db?: Database;
  readonly ads?: AdsChannel;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export async function createRuntime(config: Config, parts: RuntimeParts = {}): Promise<Runtime> {
  const db = parts.db ?? (await openDatabase(config));
  return {
    config,
    db,
    ads: parts.ads ?? adsChannelFor(config, db),
    clock: parts.clock ?? systemClock,
    logger: parts.logger ?? jsonLogger('lfi', { level: config.LFI_LOG_LEVEL }),
  };
}

function adsChannelFor(config: Config, db: Database): AdsChannel {
  switch (config.LFI_ADS_CHANNEL) {
    case 'simulated':
      return createSimulatedMarket(db, { seed: config.LFI_SIM_SEED });
    case 'google-ads':
      throw new ConfigError(
        'LFI_ADS_CHANNEL=google-ads is not available in this build yet; use simulated (the default).',
      );
  }
}
