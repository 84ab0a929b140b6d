import type { AdsChannel } from '../shared/ads/ads-channel.port.ts';
import { type Config, loadConfig } from '../shared/config/config.ts';
import type { Database } from '../shared/db/database.port.ts';
import { type Logger, silentLogger } from '../shared/runtime/logger.ts';
import { type Clock, createRuntime } from '../shared/runtime/runtime.ts';
import { type ExecutionResult, runNightlyLocally } from './local-state-machine.ts';

export type { ExecutionResult } from './local-state-machine.ts';

/** One night of LFI in a loop of your own: your database, your ads market, your clock. */
export interface RunNightOptions {
  /** The business day to run for (YYYY-MM-DD). */
  readonly date: string;
  /** A migrated LFI database (see `lfi migrate`). */
  readonly db: Database;
  /** The market the budgets go to and the ads report comes from. */
  readonly ads: AdsChannel;
  /** What "now" is for the steps (the run's yesterday, time stamps). */
  readonly clock: Clock;
  readonly dryRun?: boolean;
  /** Defaults to the configuration with no environment variables set (Europe/Amsterdam). */
  readonly config?: Config;
  readonly logger?: Logger;
}

/**
 * The stable library entry for running LFI in a closed loop: the nightly state machine as CDK
 * synthesizes it (synthesized once per process), each task on the real Lambda handler, against
 * the given database and ads channel. `lfi simulate` and the tests use it; so can your own market.
 */
export async function runNight(options: RunNightOptions): Promise<ExecutionResult> {
  const runtime = await createRuntime(options.config ?? loadConfig({}), {
    db: options.db,
    ads: options.ads,
    clock: options.clock,
    logger: options.logger ?? silentLogger,
  });
  return runNightlyLocally(runtime, { date: options.date, dryRun: options.dryRun ?? false });
}
