/**
 * The hidden economics of the simulated ads market: what a click costs, how often it converts,
 * how many searches a segment has, and how spend turns into clicks and leads on a given day.
 * Pure functions over a seeded random stream; the market (simulated-market.ts) persists the
 * results. The controller never sees these numbers: it has to learn them from the reports.
 */
import {
  integerBetween,
  poisson,
  type Random,
  randomFor,
  uniform,
  weightedIndex,
} from './simulated-random.ts';

export interface BranchProfile {
  readonly cpcMicros: number;
  readonly conversionRate: number;
  /** Clicks a day that a province of a million inhabitants offers at most. */
  readonly clicksPerMillion: number;
  /** What a partner pays for an accepted lead, in cents. */
  readonly leadPriceCents: number;
}

// Cost per lead = cpc / conversion rate: about €13 for a painter, €53 for a heat pump. Partners
// pay over twice that for a lead, except for heat pumps (about 1.2×): there the budgets the demo
// starts with buy leads that cost more than they earn, and the controller's economic limit shows.
export const BRANCH_PROFILES: Readonly<Record<string, BranchProfile>> = {
  schilder: { cpcMicros: 1_100_000, conversionRate: 0.085, clicksPerMillion: 420, leadPriceCents: 3200 },
  dakdekker: { cpcMicros: 1_600_000, conversionRate: 0.075, clicksPerMillion: 330, leadPriceCents: 5000 },
  loodgieter: { cpcMicros: 1_300_000, conversionRate: 0.09, clicksPerMillion: 450, leadPriceCents: 3600 },
  warmtepomp: { cpcMicros: 3_200_000, conversionRate: 0.06, clicksPerMillion: 270, leadPriceCents: 6500 },
  zonnepanelen: { cpcMicros: 2_400_000, conversionRate: 0.07, clicksPerMillion: 360, leadPriceCents: 8000 },
};
const DEFAULT_BRANCH: BranchProfile = {
  cpcMicros: 1_500_000,
  conversionRate: 0.075,
  clicksPerMillion: 300,
  leadPriceCents: 4500,
};

export function branchProfile(branch: string): BranchProfile {
  return BRANCH_PROFILES[branch] ?? DEFAULT_BRANCH;
}

export interface RegionProfile {
  readonly code: string;
  readonly name: string;
  readonly populationMillions: number;
  /** Clicks cost more where competition is denser (the Randstad). */
  readonly cpcFactor: number;
  readonly randstad: boolean;
  /** PC4 ranges [from, to] that lie wholly inside the province. */
  readonly postcodes: readonly (readonly [number, number])[];
}

export const REGION_PROFILES: readonly RegionProfile[] = [
  {
    code: 'groningen',
    name: 'Groningen',
    populationMillions: 0.59,
    cpcFactor: 0.92,
    randstad: false,
    postcodes: [
      [9700, 9749],
      [9800, 9999],
    ],
  },
  {
    code: 'friesland',
    name: 'Friesland',
    populationMillions: 0.66,
    cpcFactor: 0.9,
    randstad: false,
    postcodes: [[8900, 9299]],
  },
  {
    code: 'drenthe',
    name: 'Drenthe',
    populationMillions: 0.5,
    cpcFactor: 0.9,
    randstad: false,
    postcodes: [
      [9400, 9499],
      [7800, 7899],
    ],
  },
  {
    code: 'overijssel',
    name: 'Overijssel',
    populationMillions: 1.18,
    cpcFactor: 0.95,
    randstad: false,
    postcodes: [
      [7400, 7699],
      [8000, 8049],
    ],
  },
  {
    code: 'flevoland',
    name: 'Flevoland',
    populationMillions: 0.45,
    cpcFactor: 0.95,
    randstad: false,
    postcodes: [
      [1300, 1379],
      [8200, 8249],
    ],
  },
  {
    code: 'gelderland',
    name: 'Gelderland',
    populationMillions: 2.13,
    cpcFactor: 1.0,
    randstad: false,
    postcodes: [
      [6500, 6599],
      [6800, 6899],
      [7300, 7399],
    ],
  },
  {
    code: 'utrecht',
    name: 'Utrecht',
    populationMillions: 1.39,
    cpcFactor: 1.12,
    randstad: true,
    postcodes: [
      [3500, 3599],
      [3800, 3829],
    ],
  },
  {
    code: 'noord-holland',
    name: 'Noord-Holland',
    populationMillions: 2.95,
    cpcFactor: 1.18,
    randstad: true,
    postcodes: [
      [1000, 1109],
      [1800, 1829],
      [2000, 2099],
    ],
  },
  {
    code: 'zuid-holland',
    name: 'Zuid-Holland',
    populationMillions: 3.83,
    cpcFactor: 1.15,
    randstad: true,
    postcodes: [
      [2300, 2399],
      [2500, 2599],
      [3000, 3099],
    ],
  },
  {
    code: 'zeeland',
    name: 'Zeeland',
    populationMillions: 0.39,
    cpcFactor: 0.88,
    randstad: false,
    postcodes: [
      [4330, 4399],
      [4500, 4599],
    ],
  },
  {
    code: 'noord-brabant',
    name: 'Noord-Brabant',
    populationMillions: 2.63,
    cpcFactor: 1.05,
    randstad: false,
    postcodes: [
      [4800, 4899],
      [5000, 5099],
      [5600, 5699],
    ],
  },
  {
    code: 'limburg',
    name: 'Limburg',
    populationMillions: 1.12,
    cpcFactor: 0.95,
    randstad: false,
    postcodes: [
      [5900, 5999],
      [6200, 6299],
      [6400, 6499],
    ],
  },
];
const FALLBACK_REGION: RegionProfile = {
  code: 'onbekend',
  name: 'Onbekend',
  populationMillions: 1,
  cpcFactor: 1,
  randstad: false,
  postcodes: [[3500, 3599]],
};

export function regionProfile(code: string): RegionProfile {
  return REGION_PROFILES.find((region) => region.code === code) ?? FALLBACK_REGION;
}

export interface CampaignEconomics {
  readonly cpcMicros: number;
  readonly conversionRate: number;
  /** The segment's search volume: clicks a day the campaign can buy at most. */
  readonly marketClicks: number;
}

/** A campaign's hidden economics: the branch's and region's, with a seeded twist of its own. */
export function campaignEconomics(
  seed: number,
  campaignKey: string,
  branch: string,
  region: string,
): CampaignEconomics {
  const random = randomFor(seed, 'economics', campaignKey);
  const b = branchProfile(branch);
  const r = regionProfile(region);
  return {
    cpcMicros: Math.round(b.cpcMicros * r.cpcFactor * uniform(random, 0.9, 1.1)),
    // Five decimals, as the database keeps it, so a fresh and a stored campaign behave the same.
    conversionRate: Math.round(b.conversionRate * uniform(random, 0.9, 1.1) * 1e5) / 1e5,
    marketClicks: Math.max(
      5,
      Math.round(b.clicksPerMillion * r.populationMillions * uniform(random, 0.85, 1.15)),
    ),
  };
}

/** Leads a day the segment's market holds at most; organic leads are a small share of it. */
export function marketLeads(branch: string, region: string): number {
  const b = branchProfile(branch);
  return b.clicksPerMillion * regionProfile(region).populationMillions * b.conversionRate;
}

// Monday first. Fewer people search for a painter on Saturday, and campaigns spend less then.
const DEMAND_BY_WEEKDAY = [1.12, 1.08, 1.02, 1.0, 0.92, 0.72, 0.8] as const;
const SPEND_BY_WEEKDAY = [1.05, 1.03, 1.0, 1.0, 0.95, 0.85, 0.9] as const;

/**
 * Spend on a day never exceeds budget × this factor. Google Ads may spend up to twice a daily
 * budget on a busy day; the simulator allows a modest 5% so controller tests stay readable.
 */
export const MAX_OVERDELIVERY = 1.05;

/** Share of a saturated segment's clicks the campaign still pays for at inflated prices. */
const SATURATED_SPEND_CLICKS = 2.5;

/** 0 = Monday ... 6 = Sunday. */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export interface CampaignDayResult {
  readonly costMicros: number;
  readonly clicks: number;
  readonly conversions: number;
  /**
   * Share (0..1, four decimals) of the day's searches the campaign lost to its budget, as Google
   * Ads reports search budget-lost impression share: 0 when the campaign spent clearly less than
   * its budget because demand ran out, else the share of the market's clicks it could not buy.
   */
  readonly searchBudgetLostImpressionShare: number;
}

/**
 * One campaign's day. Spend ≈ budget × (0.85..1.0) × a weekday factor; clicks follow
 * M·(1 − e^(−spend/(cpc·M))) with M the day's search volume, so a budget far above the market's
 * size buys ever fewer extra clicks; leads are a Poisson draw of clicks × conversion rate.
 */
export function simulateCampaignDay(
  economics: CampaignEconomics,
  budgetMicros: number,
  date: string,
  random: Random,
): CampaignDayResult {
  const weekday = weekdayIndex(date);
  const demand = (DEMAND_BY_WEEKDAY[weekday] ?? 1) * uniform(random, 0.92, 1.08);
  const spendFactor = uniform(random, 0.85, 1.0) * (SPEND_BY_WEEKDAY[weekday] ?? 1);
  const dayClicks = economics.marketClicks * demand;
  const wanted = budgetMicros * Math.min(spendFactor, MAX_OVERDELIVERY);
  const spendable = dayClicks * economics.cpcMicros * SATURATED_SPEND_CLICKS;
  // Whole cents, rounded down, as Google Ads reports cost: never above the cap.
  const costMicros = Math.floor(Math.min(wanted, spendable) / 10_000) * 10_000;
  if (costMicros === 0)
    return { costMicros: 0, clicks: 0, conversions: 0, searchBudgetLostImpressionShare: 1 };
  const expectedClicks = dayClicks * (1 - Math.exp(-costMicros / economics.cpcMicros / dayClicks));
  const clicks = Math.max(1, poisson(random, expectedClicks));
  // Derived from the draws above, never a draw of its own: a seed's market stays the same.
  const demandRanOut = spendable < wanted;
  const lostShare = demandRanOut ? 0 : Math.round((1 - expectedClicks / dayClicks) * 10_000) / 10_000;
  return {
    costMicros,
    clicks,
    // A click converts at most once: a rare draw above the clicks is capped, not redrawn.
    conversions: Math.min(clicks, poisson(random, clicks * economics.conversionRate)),
    searchBudgetLostImpressionShare: Math.min(1, Math.max(0, lostShare)),
  };
}

/** Organic (non-ads) leads of a segment on a day: a few percent of its market. */
export function organicLeads(branch: string, region: string, date: string, random: Random): number {
  const demand = DEMAND_BY_WEEKDAY[weekdayIndex(date)] ?? 1;
  return poisson(random, marketLeads(branch, region) * 0.04 * demand);
}

// Leads per local hour: quiet at night, a morning peak, a lull at lunch, a second peak after dinner.
const LEADS_BY_HOUR = [
  0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 3.8, 3.6, 3.0, 3.2, 3.4, 3.3, 3.0, 2.6, 2.4, 2.8, 3.0,
  2.6, 1.6, 0.8,
];

/** Seconds after local midnight (wall clock) at which a lead comes in. */
export function leadSecondOfDay(random: Random): number {
  return weightedIndex(random, LEADS_BY_HOUR) * 3600 + Math.floor(random.next() * 3600);
}

// Letters of real postcodes: SA, SD and SS are never issued; leaving out S as a first letter avoids them.
const FIRST_LETTERS = 'ABCDEGHJKLMNPRTVWXZ';
const SECOND_LETTERS = 'ABCDEGHJKLMNPRSTVWXZ';

/** A plausible Dutch postcode ("1012 AB") inside the region. */
export function postcodeIn(region: string, random: Random): string {
  const ranges = regionProfile(region).postcodes;
  const [from, to] = ranges[Math.floor(random.next() * ranges.length)] ?? [3500, 3599];
  const digits = integerBetween(random, from, to);
  const first = FIRST_LETTERS.charAt(Math.floor(random.next() * FIRST_LETTERS.length));
  const second = SECOND_LETTERS.charAt(Math.floor(random.next() * SECOND_LETTERS.length));
  return `${digits} ${first}${second}`;
}
