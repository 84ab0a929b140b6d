import type {
  AdsChannel,
  BudgetChange,
  BudgetChangeResult,
  CampaignBudget,
  CampaignDailyMetrics,
  CampaignRef,
} from '../ads/ads-channel.port.ts';
import { leadSecondOfDay, postcodeIn } from '../ads/simulated-economics.ts';
import { gaussian, integerBetween, poisson, randomFor, uniform, uuidFrom } from '../ads/simulated-random.ts';
import { addDays, DEFAULT_TIME_ZONE, dayStartUtc } from '../domain/business-day.ts';
import { defaultGuardrailSettings } from '../domain/guardrails.ts';
import { isWholeCents, type Micros } from '../domain/money.ts';
import {
  demandCeiling,
  expectedDay,
  lognormalFactor,
  marginalCostMicrosAt,
  marketDay,
  PACE,
} from './market-model.ts';
import { REACH } from './metrics.ts';
import type {
  LeadVerdict,
  NewLead,
  PartnerChange,
  ScenarioWorldRepository,
} from './scenario-world.repository.ts';
import { isPartnerActive, type ScenarioWorld, type WorldSegment } from './scenario-world.ts';

/**
 * The scenario market: an `AdsChannel` whose campaigns live the scenario. Each simulated day
 * turns the budget in force into spend, clicks and leads (the response curve, the weekday, the
 * ceiling, cost noise, Poisson counts); the leads go into public.leads as the platform would
 * write them, and partners accept or reject them after their lag. Budgets, reports and the
 * record of what happened stay in memory: the market is thrown away with its simulation.
 * It never simulates a day on its own: `simulateDay` is called for each day in order, and the
 * report holds only days simulated so far.
 */
export interface MarketSegmentDay {
  readonly day: number;
  /** The budget in force during the day (after any hand edit). */
  readonly budgetMicros: Micros;
  readonly handEdit: boolean;
  readonly spendMicros: Micros;
  readonly clicks: number;
  /** Leads that came in (0 during a tracking outage). */
  readonly realizedLeads: number;
  /** Expected leads at the budget in force (the mean over the day's noise): what the controller's choice earns. */
  readonly expectedLeads: number;
  /** Expected leads at the highest budget the guardrails allow: what the market can give at all. */
  readonly maxExpectedLeads: number;
  /** The day's demand ceiling (leads). */
  readonly demandCeiling: number;
  /** Even 90% of the target costs more at the margin than a lead earns (price × acceptance rate). */
  readonly targetUneconomic: boolean;
  readonly spendAboveCeilingMicros: Micros;
  readonly lostImpressionShare: number;
}

export interface BudgetChangeRecord {
  /** The last simulated day when the change was made (a night's change is in force the day after). */
  readonly afterDay: number;
  readonly code: string;
  readonly fromMicros: Micros;
  readonly toMicros: Micros;
  readonly source: 'pipeline' | 'hand';
}

export interface ScenarioMarket extends AdsChannel {
  readonly world: ScenarioWorld;
  /** The last day simulated (−1 before the first). */
  lastDay(): number;
  /** Hand edits of the day, then the day itself, then the partners' verdicts due that day. */
  simulateDay(day: number): Promise<void>;
  /** Each segment's budget in the account now, by segment code. */
  budgets(): ReadonlyMap<string, Micros>;
  /** Per segment (world order), each simulated day. */
  history(): readonly (readonly MarketSegmentDay[])[];
  budgetChanges(): readonly BudgetChangeRecord[];
}

export interface ScenarioMarketOptions {
  readonly timeZone?: string;
}

interface ReportRow {
  readonly costMicros: number;
  readonly clicks: number;
  readonly conversions: number;
  readonly budgetMicros: number;
  readonly lostImpressionShare: number;
}

/** Share of clicks that become a lead, for the clicks column of the report. */
const CONVERSION_RATE = 0.1;
const HOUR_MS = 3_600_000;

export function createScenarioMarket(
  world: ScenarioWorld,
  repository: ScenarioWorldRepository,
  options: ScenarioMarketOptions = {},
): ScenarioMarket {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const byCampaign = new Map(world.segments.map((s) => [campaignKey(s.customerId, s.campaignId), s]));
  const budgets = new Map(world.segments.map((s) => [s.code, s.startBudgetMicros]));
  const history: MarketSegmentDay[][] = world.segments.map(() => []);
  const reports: (ReportRow | undefined)[][] = world.segments.map(() => []);
  const changes: BudgetChangeRecord[] = [];
  /** Verdicts by the day they are due. */
  const pending = new Map<number, LeadVerdict[]>();
  let lastDay = -1;
  const maxBudgetMicros = defaultGuardrailSettings.maxBudgetMicros;
  // Time zone arithmetic is slow (Intl) and the same for every lead of a day: once per date.
  const dayStarts = new Map<string, number>();
  const dayStart = (date: string): number => {
    let start = dayStarts.get(date);
    if (start === undefined) {
      start = dayStartUtc(date, timeZone).getTime();
      dayStarts.set(date, start);
    }
    return start;
  };

  function simulateSegment(segment: WorldSegment, day: number, leads: NewLead[]): MarketSegmentDay {
    const worldDay = segment.days[day];
    if (!worldDay) throw new RangeError(`Day ${day} is outside the scenario.`);
    const edit = worldDay.handEditMicros;
    if (edit !== null) {
      changes.push({
        afterDay: day - 1,
        code: segment.code,
        fromMicros: budgets.get(segment.code) ?? 0,
        toMicros: edit,
        source: 'hand',
      });
      budgets.set(segment.code, edit);
    }
    const budgetMicros = budgets.get(segment.code) ?? 0;
    const conditions = { weekdayFactor: worldDay.weekdayFactor, costFactor: worldDay.costFactor };
    const ceiling = demandCeiling(segment.economics, conditions);
    if (worldDay.outage) {
      // The landing page is down: the campaign serves nothing and no lead comes in.
      reports[segment.index]?.push({
        costMicros: 0,
        clicks: 0,
        conversions: 0,
        budgetMicros,
        lostImpressionShare: 0,
      });
      return {
        day,
        budgetMicros,
        handEdit: edit !== null,
        spendMicros: 0,
        clicks: 0,
        realizedLeads: 0,
        expectedLeads: 0,
        maxExpectedLeads: 0,
        demandCeiling: ceiling,
        targetUneconomic: false,
        spendAboveCeilingMicros: 0,
        lostImpressionShare: 0,
      };
    }
    const random = randomFor(world.seed, world.name, segment.code, worldDay.date, 'day');
    const pace = uniform(random, PACE.min, PACE.max);
    const noise = lognormalFactor(segment.costNoise, gaussian(random));
    const realized = marketDay(
      segment.economics,
      { ...conditions, costFactor: conditions.costFactor * noise },
      budgetMicros,
      pace,
    );
    const count = poisson(random, realized.leads);
    const clicks = count + poisson(random, (realized.leads * (1 - CONVERSION_RATE)) / CONVERSION_RATE);
    reports[segment.index]?.push({
      costMicros: realized.spendMicros,
      clicks,
      conversions: count,
      budgetMicros,
      lostImpressionShare: realized.lostImpressionShare,
    });
    addLeads(segment, day, count, leads);
    return {
      day,
      budgetMicros,
      handEdit: edit !== null,
      spendMicros: realized.spendMicros,
      clicks,
      realizedLeads: count,
      expectedLeads: expectedDay(segment.economics, conditions, budgetMicros, segment.costNoise).leads,
      maxExpectedLeads: expectedDay(segment.economics, conditions, maxBudgetMicros, segment.costNoise).leads,
      demandCeiling: ceiling,
      targetUneconomic:
        marginalCostMicrosAt(segment.economics, conditions, REACH * worldDay.target) >
        segment.acceptanceRate * segment.pricePerAcceptedLeadMicros,
      spendAboveCeilingMicros: realized.spendAboveCeilingMicros,
      lostImpressionShare: realized.lostImpressionShare,
    };
  }

  /**
   * The day's leads, spread over the business day by the hour profile, and each one's verdict:
   * partners accept `acceptanceRate` of the leads while they fit the day's capacity and reject
   * the rest, after a lag of minLagDays..maxLagDays.
   */
  function addLeads(segment: WorldSegment, day: number, count: number, leads: NewLead[]): void {
    const worldDay = segment.days[day];
    if (!worldDay || count === 0) return;
    const random = randomFor(world.seed, world.name, segment.code, worldDay.date, 'leads');
    const start = dayStart(worldDay.date);
    const length = dayStart(addDays(worldDay.date, 1)) - start;
    let room = worldDay.capacity;
    for (let n = 0; n < count; n++) {
      const id = uuidFrom(random);
      const createdMs = start + Math.floor((leadSecondOfDay(random) / 86_400) * length);
      leads.push({
        id,
        industryId: segment.industryId,
        province: segment.regionName,
        postcode: postcodeIn(segment.region, random),
        createdAt: new Date(createdMs).toISOString(),
      });
      const lag = integerBetween(random, segment.minLagDays, segment.maxLagDays);
      const accepted = random.next() < segment.acceptanceRate && room >= 1;
      if (accepted) room -= 1;
      const decidedDay = day + lag;
      const decidedDate = addDays(worldDay.date, lag);
      const decidedMs = Math.max(
        createdMs + 60_000,
        dayStart(decidedDate) + Math.floor((8 + 10 * random.next()) * HOUR_MS),
      );
      const verdict: LeadVerdict = {
        id,
        status: accepted ? 'accepted' : 'rejected',
        priceMicros: accepted ? segment.pricePerAcceptedLeadMicros : null,
        decidedAt: new Date(decidedMs).toISOString(),
      };
      const due = pending.get(decidedDay);
      if (due) due.push(verdict);
      else pending.set(decidedDay, [verdict]);
    }
  }

  function partnerChanges(day: number): PartnerChange[] {
    if (day === 0) return [];
    return world.segments.flatMap((s) =>
      s.partners.flatMap((p) =>
        isPartnerActive(p, day) === isPartnerActive(p, day - 1)
          ? []
          : [{ id: p.id, active: isPartnerActive(p, day) }],
      ),
    );
  }

  function validate(customerId: string, change: BudgetChange): string | null {
    const segment = byCampaign.get(campaignKey(change.customerId, change.campaignId));
    const amount = change.newAmountMicros;
    if (change.customerId !== customerId)
      return `Change for account ${change.customerId} sent in the batch of account ${customerId}.`;
    if (!segment) return `Campaign ${change.campaignId} does not exist in account ${customerId}.`;
    if (change.budgetId !== segment.budgetId)
      return `Budget ${change.budgetId} is not the budget of campaign ${change.campaignId} (that is ${segment.budgetId}).`;
    if (!Number.isSafeInteger(amount) || amount < 0 || !isWholeCents(amount))
      return `Budget amount ${amount} micros is not a non-negative whole number of cents (a multiple of 10000).`;
    return null;
  }

  return {
    name: 'simulated',
    world,
    lastDay: () => lastDay,

    async simulateDay(day) {
      if (day !== lastDay + 1)
        throw new RangeError(
          `The market simulates days in order: day ${day} asked, day ${lastDay + 1} is next.`,
        );
      if (day >= world.days) throw new RangeError(`Day ${day} is after the scenario's last day.`);
      const leads: NewLead[] = [];
      for (const segment of world.segments) {
        history[segment.index]?.push(simulateSegment(segment, day, leads));
      }
      const verdicts = pending.get(day) ?? [];
      pending.delete(day);
      await repository.recordDay({ partners: partnerChanges(day), leads, verdicts });
      lastDay = day;
    },

    budgets: () => budgets,
    history: () => history,
    budgetChanges: () => changes,

    async dailyMetrics(campaigns: readonly CampaignRef[], from, to): Promise<CampaignDailyMetrics[]> {
      const rows: CampaignDailyMetrics[] = [];
      for (let day = 0; day <= lastDay; day++) {
        const date = addDays(world.startDate, day);
        if (date < from || date > to) continue;
        for (const ref of campaigns) {
          const segment = byCampaign.get(campaignKey(ref.customerId, ref.campaignId));
          const worldDay = segment?.days[day];
          const row = segment ? reports[segment.index]?.[day] : undefined;
          if (!segment || !worldDay || !row) continue;
          // Missing cost data: the day's row is absent until it arrives (if ever).
          if (
            worldDay.costMissing &&
            (worldDay.costArrivesOnDay === null || lastDay < worldDay.costArrivesOnDay)
          )
            continue;
          rows.push({
            customerId: ref.customerId,
            campaignId: ref.campaignId,
            ...(ref.segmentId === undefined ? {} : { segmentId: ref.segmentId }),
            date,
            costMicros: row.costMicros,
            clicks: row.clicks,
            conversions: row.conversions,
            budgetMicros: row.budgetMicros,
            searchBudgetLostImpressionShare: row.lostImpressionShare,
          });
        }
      }
      return rows;
    },

    async currentBudgets(campaigns): Promise<CampaignBudget[]> {
      return campaigns.flatMap((ref) => {
        const segment = byCampaign.get(campaignKey(ref.customerId, ref.campaignId));
        if (!segment) return [];
        return [
          {
            customerId: segment.customerId,
            campaignId: segment.campaignId,
            ...(ref.segmentId === undefined ? {} : { segmentId: ref.segmentId }),
            budgetId: segment.budgetId,
            amountMicros: budgets.get(segment.code) ?? 0,
            shared: false,
            currencyCode: 'EUR',
          },
        ];
      });
    },

    async applyBudgetChanges(customerId, batch, { validateOnly }): Promise<BudgetChangeResult[]> {
      return batch.map((change): BudgetChangeResult => {
        const problem = validate(customerId, change);
        if (problem !== null) return { change, ok: false, error: problem };
        const segment = byCampaign.get(campaignKey(change.customerId, change.campaignId));
        if (!validateOnly && segment) {
          const fromMicros = budgets.get(segment.code) ?? 0;
          if (fromMicros !== change.newAmountMicros) {
            changes.push({
              afterDay: lastDay,
              code: segment.code,
              fromMicros,
              toMicros: change.newAmountMicros,
              source: 'pipeline',
            });
          }
          budgets.set(segment.code, change.newAmountMicros);
        }
        return { change, ok: true };
      });
    },
  };
}

function campaignKey(customerId: string, campaignId: string): string {
  return `${customerId}/${campaignId}`;
}
