import { PGlite } from '@electric-sql/pglite';
import { loadConfig } from '../shared/config/config.ts';
import type { SqlDatabase } from '../shared/db/database.port.ts';
import { migrate } from '../shared/db/migrate.ts';
import { wrapPglite } from '../shared/db/pglite.adapter.ts';
import type { Scenario } from '../shared/simulation/scenario.schema.ts';
import type { ControllerName } from '../shared/simulation/scenario-world.repository.ts';
import { buildWorld } from '../shared/simulation/scenario-world.ts';
import { type NightRunner, type SimulationRun, simulate } from '../shared/simulation/simulate.ts';
import { runNight } from './run-night.ts';

export interface ScenarioRunOptions {
  readonly controller: ControllerName;
  readonly days?: number;
  readonly seed?: number;
  /**
   * `pipeline` (default): the nightly state machine as CDK synthesizes it. `none`: no night at
   * all, only the market and the recording: the floor a bench compares the loop with.
   */
  readonly nights?: 'pipeline' | 'none';
  readonly onDay?: (day: number, days: number) => void;
}

let template: Promise<PGlite> | undefined;

/** Migrating takes seconds: once per process into a template, then each simulation gets a clone. */
async function migratedTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const pg = await PGlite.create();
    await migrate(wrapPglite(pg));
    return pg;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

/** A throwaway embedded database in memory, migrated: never the configured one. */
export async function throwawayDatabase(): Promise<SqlDatabase> {
  return wrapPglite(await (await migratedTemplate()).clone());
}

/** Runs one scenario with one controller on a throwaway database of its own. */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<SimulationRun> {
  const world = buildWorld(scenario, {
    ...(options.days === undefined ? {} : { days: options.days }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const db = await throwawayDatabase();
  // The configuration with no environment: the business time zone the scenario's days are in.
  const config = loadConfig({});
  const night: NightRunner =
    options.nights === 'none'
      ? async () => ({ status: 'SUCCEEDED' })
      : ({ date, clock, ads }) => runNight({ date, db, ads, clock, config });
  try {
    return await simulate({
      world,
      controller: options.controller,
      db,
      runNight: night,
      timeZone: config.LFI_TIME_ZONE,
      ...(options.onDay ? { onDay: options.onDay } : {}),
    });
  } finally {
    await db.close();
  }
}
