import type { AdsChannel } from '../ads/ads-channel.port.ts';
import type { SqlDatabase } from '../db/database.port.ts';
import { addDays, DEFAULT_TIME_ZONE, dayStartUtc } from '../domain/business-day.ts';
import type { Clock } from '../runtime/runtime.ts';
import { type BudgetChangeRecord, createScenarioMarket } from './scenario-market.ts';
import { type ControllerName, scenarioWorldRepository } from './scenario-world.repository.ts';
import type { ScenarioWorld } from './scenario-world.ts';
import type { SegmentDayRecord, SimulationSeries } from './simulation-series.ts';

/**
 * The closed loop on a scenario: a fresh database gets the scenario's world, then for each day D
 * the hand edits of D, the market's day D (leads in, verdicts on earlier leads), and the nightly
 * run for D with the clock at D+1 01:00 (what it sets is in force from D+1). The night itself is
 * passed in (`runNight`), so this module needs nothing of the command line; `lfi simulate` gives
 * it the real state machine.
 */
export type NightResult =
  | { readonly status: 'SUCCEEDED' }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause?: string; readonly step?: string };

export interface NightRequest {
  readonly date: string;
  readonly clock: Clock;
  readonly ads: AdsChannel;
}

export type NightRunner = (request: NightRequest) => Promise<NightResult>;

export interface SimulateOptions {
  readonly world: ScenarioWorld;
  readonly controller: ControllerName;
  /** A fresh, migrated database, used by this simulation alone. */
  readonly db: SqlDatabase;
  readonly runNight: NightRunner;
  readonly timeZone?: string;
  /** Called after each night (for progress). */
  readonly onDay?: (day: number, days: number) => void;
}

export interface SimulationRun {
  readonly series: SimulationSeries;
  /** Every budget change in the account, by the pipeline or by hand, in order. */
  readonly budgetChanges: readonly BudgetChangeRecord[];
  /** Milliseconds spent in the market's days and in the nights. */
  readonly timings: { readonly marketMs: number; readonly nightsMs: number };
}

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

/** The nightly run starts at 01:00 in the business time zone on the day after the date it runs for. */
export function nightClock(date: string, timeZone: string = DEFAULT_TIME_ZONE): Clock {
  const instant = new Date(dayStartUtc(addDays(date, 1), timeZone).getTime() + 3_600_000);
  return { now: () => instant };
}

export async function simulate(options: SimulateOptions): Promise<SimulationRun> {
  const { world, controller, db } = options;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const repository = scenarioWorldRepository(db);
  await repository.create(world, controller);
  const market = createScenarioMarket(world, repository, { timeZone });
  const afterNight: Map<string, number>[] = [];
  let marketMs = 0;
  let nightsMs = 0;
  for (let day = 0; day < world.days; day++) {
    const date = addDays(world.startDate, day);
    const marketStart = performance.now();
    await market.simulateDay(day);
    const nightStart = performance.now();
    marketMs += nightStart - marketStart;
    const night = await options.runNight({ date, clock: nightClock(date, timeZone), ads: market });
    nightsMs += performance.now() - nightStart;
    if (night.status === 'FAILED') {
      const where = night.step ? ` in the ${night.step} step` : '';
      throw new SimulationError(
        `Scenario ${world.name} (${controller}): the night of ${date} (day ${day}) FAILED${where}: ${night.error}${night.cause ? `: ${night.cause}` : ''}`,
      );
    }
    afterNight.push(new Map(market.budgets()));
    options.onDay?.(day, world.days);
  }

  const { plans, decisions } = await repository.readOutcomes();
  const planTarget = new Map(plans.map((p) => [`${p.code}/${p.date}`, p.targetLeadsPerDay]));
  const decision = new Map(decisions.map((d) => [`${d.code}/${d.date}`, d]));
  const history = market.history();
  const segments = world.segments.map((segment) => ({
    code: segment.code,
    branch: segment.branch,
    region: segment.region,
    customerId: segment.customerId,
    days: segment.days.map((worldDay): SegmentDayRecord => {
      const marketDay = history[segment.index]?.[worldDay.day];
      if (!marketDay) throw new Error(`Day ${worldDay.day} of ${segment.code} was not simulated.`);
      const found = decision.get(`${segment.code}/${worldDay.date}`);
      return {
        day: worldDay.day,
        date: worldDay.date,
        budgetMicros: marketDay.budgetMicros,
        budgetAfterNightMicros: afterNight[worldDay.day]?.get(segment.code) ?? marketDay.budgetMicros,
        handEdit: marketDay.handEdit,
        spendMicros: marketDay.spendMicros,
        expectedLeads: marketDay.expectedLeads,
        realizedLeads: marketDay.realizedLeads,
        maxExpectedLeads: marketDay.maxExpectedLeads,
        demandCeiling: marketDay.demandCeiling,
        targetUneconomic: marketDay.targetUneconomic,
        spendAboveCeilingMicros: marketDay.spendAboveCeilingMicros,
        lostImpressionShare: marketDay.lostImpressionShare,
        capacity: worldDay.capacity,
        target: worldDay.target,
        planTarget: planTarget.get(`${segment.code}/${worldDay.date}`) ?? null,
        targetOverride: worldDay.targetOverride,
        costShock: worldDay.costShock,
        outage: worldDay.outage,
        costMissing: worldDay.costMissing,
        decision: found
          ? {
              status: found.status,
              actionType: found.actionType,
              oldValue: found.oldValue,
              newValue: found.newValue,
              explanation: found.explanation,
            }
          : null,
      };
    }),
  }));
  return {
    series: {
      scenario: world.name,
      controller,
      startDate: world.startDate,
      days: world.days,
      seed: world.seed,
      warmupDays: world.warmupDays,
      accounts: world.accounts,
      segments,
    },
    budgetChanges: market.budgetChanges(),
    timings: { marketMs, nightsMs },
  };
}
