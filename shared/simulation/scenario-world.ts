/**
 * A scenario compiled into the world it describes, day by day (pure): per segment its ids,
 * economics, partners, and for each day the weekday factor, the cost factor of shocks, the true
 * capacity and target, hand edits and the days of missing or absent data. The market plays it;
 * the metrics judge against it.
 */
import { regionProfile, weekdayIndex } from '../ads/simulated-economics.ts';
import { randomFor, uuidFrom } from '../ads/simulated-random.ts';
import { addDays } from '../domain/business-day.ts';
import { type Micros, microsFromEuros } from '../domain/money.ts';
import type { SegmentEconomics } from './market-model.ts';
import type { Scenario, ScenarioSegment } from './scenario.schema.ts';

export interface WorldDay {
  readonly day: number;
  readonly date: string;
  readonly weekdayFactor: number;
  /** Product of the cost-per-lead shocks in force (1 without any). */
  readonly costFactor: number;
  /** A cost-per-lead shock starts this day. */
  readonly costShock: boolean;
  /** Sum of the daily capacities of the partners active this day. */
  readonly capacity: number;
  /** The true target: the override in force, else capacity × utilization floored to 2 decimals. */
  readonly target: number;
  readonly targetOverride: number | null;
  /** The budget someone sets by hand before the day starts, if any. */
  readonly handEditMicros: Micros | null;
  /** The landing page is down: no leads, no cost. */
  readonly outage: boolean;
  /** The day's row is missing from the ads report... */
  readonly costMissing: boolean;
  /** ...until this day (the row arrives late), or never (null). */
  readonly costArrivesOnDay: number | null;
}

export interface WorldPartner {
  readonly id: string;
  readonly name: string;
  readonly capacityPerDay: number;
  readonly fromDay: number;
  /** Inactive from this day on; null: stays. */
  readonly untilDay: number | null;
}

export interface WorldSegment {
  readonly index: number;
  readonly id: string;
  readonly code: string;
  readonly branch: string;
  readonly region: string;
  readonly regionName: string;
  readonly industryId: string;
  readonly customerId: string;
  readonly campaignId: string;
  readonly budgetId: string;
  readonly economics: SegmentEconomics;
  readonly costNoise: number;
  readonly minLagDays: number;
  readonly maxLagDays: number;
  readonly acceptanceRate: number;
  readonly pricePerAcceptedLeadMicros: Micros;
  readonly targetUtilization: number;
  readonly targetOverrides: readonly { fromDay: number; toDay: number | null; leadsPerDay: number }[];
  readonly startBudgetMicros: Micros;
  readonly partners: readonly WorldPartner[];
  readonly days: readonly WorldDay[];
}

export interface WorldAccount {
  readonly customerId: string;
  readonly dailyCapMicros: Micros | null;
}

export interface ScenarioWorld {
  readonly name: string;
  readonly description: string;
  readonly startDate: string;
  readonly days: number;
  readonly seed: number;
  readonly warmupDays: number;
  readonly accounts: readonly WorldAccount[];
  readonly industries: readonly { readonly id: string; readonly name: string }[];
  readonly segments: readonly WorldSegment[];
}

export interface WorldOptions {
  /** Overrides the scenario's number of days; events after the last day do not happen. */
  readonly days?: number;
  /** Overrides the scenario's seed. */
  readonly seed?: number;
}

export function buildWorld(scenario: Scenario, options: WorldOptions = {}): ScenarioWorld {
  const days = options.days ?? scenario.days;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new RangeError(`A simulation runs 1 to 366 days, not ${days}.`);
  const seed = options.seed ?? scenario.seed;
  const id = (...key: (string | number)[]) => uuidFrom(randomFor('lfi-simulate', scenario.name, ...key));
  const branches = [...new Set(scenario.segments.map((s) => s.branch))].sort();
  const industries = branches.map((name) => ({ id: id('industry', name), name }));
  const industryOf = new Map(industries.map((i) => [i.name, i.id]));
  const firstAccount = scenario.accounts[0]?.customerId ?? '1000000001';
  const segments = scenario.segments.map((segment, index): WorldSegment => {
    const code = `${segment.branch}-${segment.region}`;
    const campaignId = String(7_000_001 + index);
    return {
      index,
      id: id('segment', code),
      code,
      branch: segment.branch,
      region: segment.region,
      regionName: regionProfile(segment.region).name,
      industryId: industryOf.get(segment.branch) ?? id('industry', segment.branch),
      customerId: segment.customerId ?? firstAccount,
      campaignId,
      budgetId: `9${campaignId}`,
      economics: {
        costPerLeadMicros: Math.round(segment.costPerLeadEuros * 1_000_000),
        referenceLeadsPerDay: segment.response.referenceLeadsPerDay,
        elasticity: segment.response.elasticity,
        demandCeilingLeadsPerDay: segment.demandCeilingLeadsPerDay,
      },
      costNoise: segment.costNoise,
      minLagDays: segment.leadStatus.minLagDays,
      maxLagDays: segment.leadStatus.maxLagDays,
      acceptanceRate: segment.leadStatus.acceptanceRate,
      pricePerAcceptedLeadMicros: microsFromEuros(segment.leadStatus.pricePerAcceptedLeadEuros.toFixed(2)),
      targetUtilization: segment.targetUtilization,
      targetOverrides: segment.targetOverrides.map((o) => ({
        fromDay: o.fromDay,
        toDay: o.toDay ?? null,
        leadsPerDay: o.leadsPerDay,
      })),
      startBudgetMicros: microsFromEuros(segment.startBudgetEuros.toFixed(2)),
      partners: segment.partners.map((p, n) => ({
        id: id('partner', code, n),
        name: p.name ?? `${code} partner ${n + 1}`,
        capacityPerDay: p.capacityPerDay,
        fromDay: p.fromDay,
        untilDay: p.untilDay ?? null,
      })),
      days: timeline(scenario.startDate, days, segment),
    };
  });
  return {
    name: scenario.name,
    description: scenario.description,
    startDate: scenario.startDate,
    days,
    seed,
    warmupDays: scenario.warmupDays,
    accounts: scenario.accounts.map((a) => ({
      customerId: a.customerId,
      dailyCapMicros: a.dailyCapEuros === undefined ? null : microsFromEuros(a.dailyCapEuros.toFixed(2)),
    })),
    industries,
    segments,
  };
}

/** Whether a partner serves on a day. */
export function isPartnerActive(partner: WorldPartner, day: number): boolean {
  return partner.fromDay <= day && (partner.untilDay === null || day < partner.untilDay);
}

/**
 * capacity × utilization floored to 2 decimals, in integers: utilization has 3 decimals (as
 * lead_segments keeps it), so no float rounding can push a target over a boundary.
 */
export function targetFromCapacity(capacity: number, utilization: number): number {
  const perMille = Math.round(utilization * 1000);
  return Math.floor((Math.round(capacity * 100) * perMille) / 1000) / 100;
}

function timeline(startDate: string, days: number, segment: ScenarioSegment): WorldDay[] {
  const edits = new Map(segment.budgetEdits.map((e) => [e.day, microsFromEuros(e.budgetEuros.toFixed(2))]));
  const result: WorldDay[] = [];
  for (let day = 0; day < days; day++) {
    const date = addDays(startDate, day);
    let costFactor = 1;
    let costShock = false;
    let outage = false;
    let costMissing = false;
    let costArrivesOnDay: number | null = null;
    for (const shock of segment.shocks) {
      if (shock.kind === 'costPerLead' && shock.day <= day) {
        costFactor *= shock.factor;
        if (shock.day === day) costShock = true;
      } else if (shock.kind === 'trackingOutage' && shock.day <= day && day < shock.day + shock.days) {
        outage = true;
      } else if (shock.kind === 'missingCostData' && shock.day <= day && day < shock.day + shock.days) {
        costMissing = true;
        costArrivesOnDay = shock.arrivesAfterDays === undefined ? null : day + shock.arrivesAfterDays;
      }
    }
    const capacity = segment.partners
      .filter((p) => p.fromDay <= day && (p.untilDay === undefined || day < p.untilDay))
      .reduce((sum, p) => sum + p.capacityPerDay, 0);
    // The last override listed that covers the day wins (they are stored in that order).
    const override = segment.targetOverrides.findLast(
      (o) => o.fromDay <= day && (o.toDay === undefined || day <= o.toDay),
    );
    result.push({
      day,
      date,
      weekdayFactor: segment.weekday[weekdayIndex(date)] ?? 1,
      costFactor,
      costShock,
      capacity,
      target: override ? override.leadsPerDay : targetFromCapacity(capacity, segment.targetUtilization),
      targetOverride: override ? override.leadsPerDay : null,
      handEditMicros: edits.get(day) ?? null,
      outage,
      costMissing,
      costArrivesOnDay,
    });
  }
  return result;
}
