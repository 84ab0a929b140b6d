import { regionCodes } from '../../shared/domain/regions.ts';
import type { ScenarioInput } from '../../shared/simulation/scenario.schema.ts';

/** Branches with their cost per lead and lead price (euros), from €5 to €100 a lead. */
const BRANCHES = [
  ['verhuizer', 5, 9],
  ['schoonmaak', 7, 12],
  ['schilder', 12, 20],
  ['hovenier', 15, 24],
  ['loodgieter', 18, 28],
  ['elektricien', 22, 32],
  ['dakdekker', 28, 40],
  ['isolatie', 35, 50],
  ['airco', 40, 55],
  ['kozijnen', 45, 65],
  ['zonnepanelen', 60, 85],
  ['warmtepomp', 100, 140],
] as const;

/**
 * A scenario of `segments` segments (at most 144: every branch in every province), for the speed
 * figure: each branch × province once, capacities of 3 to 25 leads a day, a partner joining in
 * every fifth segment and a cost rise in every seventh, start budgets off by up to ±50%.
 */
export function largeScenario(segments: number, days = 90): ScenarioInput {
  if (segments > BRANCHES.length * regionCodes.length)
    throw new RangeError(`At most ${BRANCHES.length * regionCodes.length} segments.`);
  return {
    name: `large-${segments}`,
    description: `${segments} segments, for the simulator's speed figure.`,
    days,
    seed: 5,
    segments: Array.from({ length: segments }, (_, i) => {
      const [branch, cpl, price] = BRANCHES[i % BRANCHES.length] ?? BRANCHES[0];
      const round = Math.floor(i / BRANCHES.length);
      const region = regionCodes[(i + round) % regionCodes.length] ?? 'utrecht';
      const capacity = Math.max(3, Math.round(25 - (cpl / 100) * 20 - (i % 5)));
      const target = capacity * 0.8;
      return {
        branch,
        region,
        costPerLeadEuros: cpl,
        response: { elasticity: 0.6 + (i % 4) * 0.05, referenceLeadsPerDay: target },
        demandCeilingLeadsPerDay: target * 2.5,
        leadStatus: { pricePerAcceptedLeadEuros: price },
        partners: [
          { capacityPerDay: capacity },
          ...(i % 5 === 0 ? [{ capacityPerDay: Math.ceil(capacity / 2), fromDay: 40 }] : []),
        ],
        startBudgetEuros: Math.min(900, Math.round(target * cpl * (0.5 + (i % 11) / 10))),
        shocks: i % 7 === 0 ? [{ kind: 'costPerLead' as const, day: 50, factor: 1.3 }] : [],
      };
    }),
  };
}
