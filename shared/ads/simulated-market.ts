import type { Database } from '../db/database.port.ts';
import { addDays, yesterday } from '../domain/business-day.ts';
import type {
  AdsChannel,
  BudgetChange,
  BudgetChangeResult,
  CampaignBudget,
  CampaignDailyMetrics,
  CampaignRef,
} from './ads-channel.port.ts';
import {
  BRANCH_PROFILES,
  branchProfile,
  campaignEconomics,
  leadSecondOfDay,
  organicLeads,
  postcodeIn,
  simulateCampaignDay,
} from './simulated-economics.ts';
import { dateText, simulatedMarket } from './simulated-market.repository.ts';
import { type Random, randomFor, uuidFrom } from './simulated-random.ts';

/**
 * The simulated ads market, the embedded default ads channel. Spend buys clicks and leads at each
 * campaign's hidden cost, with noise and diminishing returns; the leads land in public.leads and
 * partners accept or reject them over the next days. Every draw comes from a stream keyed by
 * (seed, campaign, date), so a seed gives the same market whatever the call order. All state is in
 * the database (the local-only migrations in supabase/local/, never in production), reached only
 * through `rpc`, so the market runs on every adapter and survives between instances.
 */
export interface SimulatedMarketOptions {
  readonly seed: number;
  /** Campaign ids whose budget changes fail, so the pipeline's partial-failure path can be tested. */
  readonly failCampaigns?: ReadonlySet<string>;
  /** The business time zone whose calendar days are simulated. */
  readonly timeZone?: string;
  /**
   * The run's clock: a day is simulated only once it is over (up to yesterday in the time zone),
   * whatever date a caller asks about. Without it the market simulates what it is asked.
   */
  readonly now?: () => Date;
}

export interface AdvanceResult {
  /** The days simulated by this call, in order. */
  readonly simulatedDates: readonly string[];
  readonly leadsCreated: number;
  readonly leadsDecided: number;
  /** The last day simulated so far (null before the first). */
  readonly lastDate: string | null;
}

export interface SimulatedMarket extends AdsChannel {
  readonly seed: number;
  /**
   * Simulates every day after the last simulated one up to and including `date`, in order. The
   * very first call simulates `date` only: the market starts on the first day it is asked about.
   */
  advanceTo(date: string): Promise<AdvanceResult>;
}

type MarketState = Awaited<ReturnType<typeof simulatedMarket.state>>;
type Segment = MarketState['segments'][number];

const LEAD_PRICES_CENTS = {
  ...Object.fromEntries(Object.entries(BRANCH_PROFILES).map(([branch, p]) => [branch, p.leadPriceCents])),
  '*': branchProfile('').leadPriceCents,
};

export function createSimulatedMarket(db: Database, options: SimulatedMarketOptions): SimulatedMarket {
  const { seed, failCampaigns = new Set<string>(), timeZone = 'Europe/Amsterdam', now } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The market's seed must be an integer, got ${seed}.`);

  /** The market's state, with every mapped campaign registered first (budget 0, its own economics). */
  async function loadState(): Promise<MarketState> {
    const state = await simulatedMarket.state(db);
    const unregistered = state.campaigns.filter((c) => !c.registered);
    if (unregistered.length === 0) return state;
    await simulatedMarket.register(
      db,
      unregistered.map((c) => ({
        customerId: c.customerId,
        campaignId: c.campaignId,
        // Derived from the campaign id, so unique within the account like Google's budget ids.
        budgetId: `9${c.campaignId}`,
        ...campaignEconomics(seed, `${c.customerId}/${c.campaignId}`, c.branch, c.region),
      })),
    );
    return simulatedMarket.state(db);
  }

  function simulateDay(state: MarketState, date: string) {
    const segments = new Map(state.segments.map((s) => [s.segmentId, s]));
    const campaignDays: object[] = [];
    const leads: object[] = [];
    const addLeads = (segment: Segment, count: number, random: Random) => {
      for (let i = 0; i < count; i++) {
        leads.push({
          id: uuidFrom(random),
          industryId: segment.industryId,
          province: segment.regionName,
          postcode: postcodeIn(segment.region, random),
          second: leadSecondOfDay(random),
        });
      }
    };
    for (const c of state.campaigns) {
      if (!c.active || c.cpcMicros === null || c.conversionRate === null || c.marketClicks === null) continue;
      const budgetMicros = c.budgetMicros ?? 0;
      const random = randomFor(seed, 'campaign', c.customerId, c.campaignId, date);
      const economics = {
        cpcMicros: c.cpcMicros,
        conversionRate: c.conversionRate,
        marketClicks: c.marketClicks,
      };
      const result = simulateCampaignDay(economics, budgetMicros, date, random);
      campaignDays.push({ customerId: c.customerId, campaignId: c.campaignId, budgetMicros, ...result });
      const segment = segments.get(c.segmentId);
      if (segment) addLeads(segment, result.conversions, random);
    }
    for (const segment of state.segments) {
      const random = randomFor(seed, 'organic', segment.branch, segment.region, date);
      addLeads(segment, organicLeads(segment.branch, segment.region, date, random), random);
    }
    return { campaignDays, leads };
  }

  /** `firstDate`: where a market that never ran starts (by default `date` itself). */
  async function advance(asked: string, firstDate = asked): Promise<AdvanceResult> {
    dateText.parse(asked);
    const lastOver = now ? yesterday(now(), timeZone) : asked;
    const date = asked < lastOver ? asked : lastOver;
    const state = await loadState();
    const simulatedDates: string[] = [];
    let leadsCreated = 0;
    let leadsDecided = 0;
    let day = state.lastDate === null ? firstDate : addDays(state.lastDate, 1);
    for (; day <= date; day = addDays(day, 1)) {
      const { campaignDays, leads } = simulateDay(state, day);
      const recorded = await simulatedMarket.recordDay(db, {
        date: day,
        seed,
        campaignDays,
        leads,
        leadPrices: LEAD_PRICES_CENTS,
        timeZone,
      });
      // Not recorded: another market instance simulated this day first; its data stands.
      if (!recorded.recorded) continue;
      simulatedDates.push(day);
      leadsCreated += recorded.leads;
      leadsDecided += recorded.decided;
    }
    const lastDate = simulatedDates.at(-1) ?? state.lastDate;
    return { simulatedDates, leadsCreated, leadsDecided, lastDate };
  }

  return {
    name: 'simulated',
    seed,
    advanceTo: (date) => advance(date),

    async dailyMetrics(campaigns, from, to): Promise<CampaignDailyMetrics[]> {
      // Reading a day's report observes that day: it is simulated first (a new market starts at `from`).
      await advance(to, dateText.parse(from) < to ? from : to);
      if (campaigns.length === 0 || from > to) return [];
      return simulatedMarket.metrics(db, refs(campaigns), from, to);
    },

    async currentBudgets(campaigns): Promise<CampaignBudget[]> {
      const state = await loadState();
      const wanted = new Set(campaigns.map(key));
      return state.campaigns.flatMap((c) =>
        wanted.has(key(c)) && c.budgetId !== null
          ? [
              {
                customerId: c.customerId,
                campaignId: c.campaignId,
                budgetId: c.budgetId,
                amountMicros: c.budgetMicros ?? 0,
                shared: false,
              },
            ]
          : [],
      );
    },

    async applyBudgetChanges(customerId, changes, { validateOnly }): Promise<BudgetChangeResult[]> {
      await loadState();
      const sent = changes.filter((change) => !failCampaigns.has(change.campaignId));
      const answers =
        sent.length === 0
          ? []
          : await simulatedMarket.applyBudgets(db, customerId, sent.map(changeJson), validateOnly);
      if (answers.length !== sent.length) {
        throw new Error(
          `The simulated market answered ${answers.length} results for ${sent.length} changes.`,
        );
      }
      const results = new Map(sent.map((change, i) => [change, answers[i]]));
      return changes.map((change): BudgetChangeResult => {
        const answer = results.get(change);
        if (!answer) {
          return { change, ok: false, error: `Simulated failure for campaign ${change.campaignId}.` };
        }
        return answer.ok ? { change, ok: true } : { change, ok: false, error: answer.error ?? 'Rejected.' };
      });
    },
  };
}

function key(ref: CampaignRef): string {
  return `${ref.customerId}/${ref.campaignId}`;
}

function refs(campaigns: readonly CampaignRef[]) {
  return campaigns.map((c) => ({ customerId: c.customerId, campaignId: c.campaignId }));
}

function changeJson(change: BudgetChange) {
  return {
    customerId: change.customerId,
    campaignId: change.campaignId,
    budgetId: change.budgetId,
    newAmountMicros: change.newAmountMicros,
  };
}
