/**
 * The demo data set: branches, segments, partners and campaigns with their starting budgets,
 * made from a seed alone (pure; loading it is load-demo.ts). Partners cluster in the Randstad,
 * mostly serve one branch in one or two neighbouring provinces, and the starting budgets leave
 * some segments under-funded and some over-funded, so the nightly controller has work to do.
 */
import { branchProfile, REGION_PROFILES, regionProfile } from '../ads/simulated-economics.ts';
import { pick, type Random, randomFor, uniform, uuidFrom, weightedIndex } from '../ads/simulated-random.ts';

export const DEMO_BRANCHES = ['schilder', 'dakdekker', 'loodgieter', 'warmtepomp', 'zonnepanelen'] as const;
export const DEMO_PARTNER_COUNT = 150;

/** Two ads accounts: home services and energy. */
export const DEMO_ACCOUNTS = { klussen: '4815162342', energie: '2718281828' } as const;

export interface DemoSegment {
  readonly id: string;
  readonly code: string;
  readonly branch: string;
  readonly region: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly targetUtilization: number;
}

export interface DemoPartner {
  readonly id: string;
  readonly companyName: string;
  readonly isActive: boolean;
  readonly dailyLeadCapacity: number;
  readonly branches: readonly string[];
  readonly regions: readonly string[];
}

export interface DemoCampaign {
  readonly segmentId: string;
  readonly customerId: string;
  readonly campaignId: string;
  /** The budget the market starts with, in whole euros (as micros). */
  readonly initialBudgetMicros: number;
}

export interface DemoData {
  readonly industries: readonly string[];
  readonly segments: readonly DemoSegment[];
  readonly partners: readonly DemoPartner[];
  readonly campaigns: readonly DemoCampaign[];
}

const BRANCH_POPULARITY: Readonly<Record<string, number>> = {
  schilder: 27,
  dakdekker: 20,
  loodgieter: 27,
  warmtepomp: 12,
  zonnepanelen: 14,
};

const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  groningen: ['friesland', 'drenthe'],
  friesland: ['groningen', 'drenthe', 'overijssel', 'flevoland', 'noord-holland'],
  drenthe: ['groningen', 'friesland', 'overijssel'],
  overijssel: ['friesland', 'drenthe', 'gelderland', 'flevoland'],
  flevoland: ['friesland', 'overijssel', 'gelderland', 'utrecht', 'noord-holland'],
  gelderland: ['overijssel', 'flevoland', 'utrecht', 'zuid-holland', 'noord-brabant', 'limburg'],
  utrecht: ['flevoland', 'gelderland', 'noord-holland', 'zuid-holland'],
  'noord-holland': ['friesland', 'flevoland', 'utrecht', 'zuid-holland'],
  'zuid-holland': ['noord-holland', 'utrecht', 'gelderland', 'noord-brabant', 'zeeland'],
  zeeland: ['zuid-holland', 'noord-brabant'],
  'noord-brabant': ['zeeland', 'zuid-holland', 'gelderland', 'limburg'],
  limburg: ['noord-brabant', 'gelderland'],
};

const SURNAMES = [
  'De Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'De Boer',
  'Mulder',
  'De Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'Van Leeuwen',
  'Dekker',
  'Brouwer',
  'De Wit',
  'Dijkstra',
  'Smits',
  'De Graaf',
  'Van der Meer',
  'Kok',
  'Jacobs',
  'Van den Berg',
  'Vermeulen',
  'Van Dijk',
  'Willems',
  'Hoekstra',
  'Koster',
  'Prins',
];
const TRADE_NAMES: Readonly<Record<string, readonly string[]>> = {
  schilder: ['Schilderwerken', 'Schildersbedrijf', 'Verf & Afwerking'],
  dakdekker: ['Dakwerken', 'Dakdekkersbedrijf', 'Dak & Goot'],
  loodgieter: ['Loodgietersbedrijf', 'Installatietechniek', 'Sanitair & Riolering'],
  warmtepomp: ['Klimaattechniek', 'Warmtepompen', 'Duurzame Installaties'],
  zonnepanelen: ['Zonne-energie', 'Solar', 'Zonnetechniek'],
};

// Partners are more numerous, and reach further, where more people live.
const REGION_WEIGHTS = REGION_PROFILES.map((r) => r.populationMillions ** 0.75 * (r.randstad ? 1.2 : 1));

const capitalised = (branch: string) => branch.charAt(0).toUpperCase() + branch.slice(1);

export function buildDemoData(seed: number): DemoData {
  const segments = buildSegments(seed);
  const partners = Array.from({ length: DEMO_PARTNER_COUNT }, (_, i) => buildPartner(seed, i));
  const capacity = capacityBySegment(partners, segments);
  const active = segments.filter((s) => s.isActive);
  // One campaign sits at budget 0, as a paused or forgotten campaign would.
  const zeroBudget = pick(randomFor(seed, 'demo', 'zero-budget'), active).code;
  const campaigns = active.map((segment): DemoCampaign => {
    const branchIndex = DEMO_BRANCHES.indexOf(segment.branch as (typeof DEMO_BRANCHES)[number]);
    const regionIndex = REGION_PROFILES.findIndex((r) => r.code === segment.region);
    const target = Math.floor((capacity.get(segment.code) ?? 0) * segment.targetUtilization);
    return {
      segmentId: segment.id,
      customerId: branchIndex <= 2 ? DEMO_ACCOUNTS.klussen : DEMO_ACCOUNTS.energie,
      campaignId: String(21_000_000_000 + branchIndex * 1_000_000 + regionIndex * 1_009),
      initialBudgetMicros:
        segment.code === zeroBudget ? 0 : startingBudgetMicros(seed, segment.branch, segment.region, target),
    };
  });
  return { industries: DEMO_BRANCHES.map(capitalised), segments, partners, campaigns };
}

function buildSegments(seed: number): DemoSegment[] {
  const random = randomFor(seed, 'demo', 'segments');
  const all = DEMO_BRANCHES.flatMap((branch) => REGION_PROFILES.map((region) => ({ branch, region })));
  // A few small segments the business does not serve (yet), and a few with their own utilization.
  const small = all.filter(({ region }) => region.populationMillions < 0.7);
  const inactive = new Set<string>();
  while (inactive.size < 3) {
    const { branch, region } = pick(random, small);
    inactive.add(`${branch}-${region.code}`);
  }
  const utilizations = new Map<string, number>();
  for (const value of [0.6, 0.7, 0.9, 0.95]) {
    const { branch, region } = pick(random, all);
    utilizations.set(`${branch}-${region.code}`, value);
  }
  return all.map(({ branch, region }) => {
    const code = `${branch}-${region.code}`;
    return {
      id: uuidFrom(randomFor(seed, 'demo', 'segment', code)),
      code,
      branch,
      region: region.code,
      name: `${capitalised(branch)} · ${region.name}`,
      isActive: !inactive.has(code),
      targetUtilization: utilizations.get(code) ?? 0.8,
    };
  });
}

function buildPartner(seed: number, index: number): DemoPartner {
  const random = randomFor(seed, 'demo', 'partner', index);
  const branches = distinctWeighted(random, DEMO_BRANCHES, [80, 17, 3], (b) => BRANCH_POPULARITY[b] ?? 1);
  const home = REGION_PROFILES[weightedIndex(random, REGION_WEIGHTS)]?.code ?? 'utrecht';
  const regions = [home];
  const wanted = 1 + weightedIndex(random, [65, 25, 7, 3]);
  while (regions.length < wanted) {
    // The next province borders one already served.
    const candidates = [...new Set(regions.flatMap((r) => NEIGHBOURS[r] ?? []))].filter(
      (r) => !regions.includes(r),
    );
    if (candidates.length === 0) break;
    regions.push(
      candidates[
        weightedIndex(
          random,
          candidates.map((c) => regionProfile(c).populationMillions),
        )
      ] ?? home,
    );
  }
  const primary = branches[0] ?? 'schilder';
  const u = random.next();
  return {
    id: uuidFrom(random),
    companyName: `${pick(random, SURNAMES)} ${pick(random, TRADE_NAMES[primary] ?? ['Vakwerk'])}${random.next() < 0.3 ? ' B.V.' : ''}`,
    isActive: random.next() >= 0.04,
    // Mostly small firms: capacity 2..15 leads a day, skewed low.
    dailyLeadCapacity: 2 + Math.floor(14 * u ** 4),
    branches,
    regions,
  };
}

/** `count` distinct items, the number drawn from `countWeights` (1, 2, 3, ...) and each item by weight. */
function distinctWeighted<T>(
  random: Random,
  items: readonly T[],
  countWeights: readonly number[],
  weight: (item: T) => number,
): T[] {
  const count = 1 + weightedIndex(random, countWeights);
  const left = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && left.length > 0) {
    const [item] = left.splice(weightedIndex(random, left.map(weight)), 1);
    if (item !== undefined) chosen.push(item);
  }
  return chosen;
}

/**
 * Daily lead capacity per active segment code, as the platform's aggregate counts it: each active
 * partner's capacity split evenly over the active segments it serves (its branches × regions), so
 * a partner in four provinces is not counted four times.
 */
export function capacityBySegment(
  partners: readonly DemoPartner[],
  segments: readonly Pick<DemoSegment, 'code' | 'isActive'>[],
): Map<string, number> {
  const active = new Set(segments.filter((s) => s.isActive).map((s) => s.code));
  const capacity = new Map<string, number>();
  for (const partner of partners) {
    if (!partner.isActive) continue;
    const served = partner.branches
      .flatMap((branch) => partner.regions.map((region) => `${branch}-${region}`))
      .filter((code) => active.has(code));
    for (const code of served)
      capacity.set(code, (capacity.get(code) ?? 0) + partner.dailyLeadCapacity / served.length);
  }
  return capacity;
}

/**
 * What a media buyer would set by hand: target × the branch's usual cost per lead, but funded
 * unevenly (a quarter well under, a quarter well over), in whole euros within €5..€1000.
 */
function startingBudgetMicros(seed: number, branch: string, region: string, target: number): number {
  const random = randomFor(seed, 'demo', 'budget', branch, region);
  const profile = branchProfile(branch);
  const costPerLeadEuros =
    (profile.cpcMicros * regionProfile(region).cpcFactor) / profile.conversionRate / 1e6;
  const band = weightedIndex(random, [25, 50, 25]);
  const funding =
    [uniform(random, 0.45, 0.7), uniform(random, 0.85, 1.1), uniform(random, 1.4, 1.9)][band] ?? 1;
  const euros = Math.min(1000, Math.max(5, Math.round(target * costPerLeadEuros * funding)));
  return euros * 1_000_000;
}
