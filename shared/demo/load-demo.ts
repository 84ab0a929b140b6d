import { z } from 'zod';
import type { BudgetChange } from '../ads/ads-channel.port.ts';
import type { SimulatedMarket } from '../ads/simulated-market.ts';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import { addDays } from '../domain/business-day.ts';
import { formatEuros } from '../domain/money.ts';
import { buildDemoData } from './demo-data.ts';

export interface DemoOptions {
  /** Days of history, ending the day before `today`. */
  readonly days: number;
  readonly seed: number;
  /** Today's business date (YYYY-MM-DD), passed in: the loader reads no clock. */
  readonly today: string;
}

export interface DemoSummary {
  readonly seed: number;
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly segments: number;
  readonly activeSegments: number;
  readonly partners: number;
  readonly campaigns: number;
  readonly leads: number;
  readonly adSpendMicros: number;
}

export type DemoResult =
  | { readonly loaded: true; readonly summary: DemoSummary }
  | { readonly loaded: false; readonly reason: string };

export const DEMO_DEFAULTS = { days: 28, seed: 42 } as const;

const optionsSchema = z.object({
  days: z.number().int().min(1).max(366),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'today must be a YYYY-MM-DD date'),
});
const loadSchema = z.union([
  z.object({ loaded: z.literal(true) }),
  z.object({ loaded: z.literal(false), reason: z.string() }),
]);
const countsSchema = z.object({
  segments: z.number().int(),
  activeSegments: z.number().int(),
  partners: z.number().int(),
  campaigns: z.number().int(),
  leads: z.number().int(),
  adSpendMicros: z.number().int(),
});

/**
 * Loads the demo data set (`lfi demo`): branches, segments, partners and campaigns, the
 * campaigns' starting budgets in the simulated market, then `days` days of history made by
 * advancing that market day by day, so leads, their statuses and the ads reports agree. Only an
 * empty database is loaded; otherwise nothing changes and the reason comes back. The market
 * should be built with the same seed, so the same seed always gives the same data.
 */
export async function loadDemo(
  db: Database,
  market: SimulatedMarket,
  options: DemoOptions,
): Promise<DemoResult> {
  const { days, seed, today } = optionsSchema.parse(options);
  const from = addDays(today, -days);
  const to = addDays(today, -1);
  const data = buildDemoData(seed);

  const load = await demoLoad.call(db, { p_data: data, p_seed: seed, p_days: days, p_from: from, p_to: to });
  if (!load.loaded) return load;

  const budgets = await market.currentBudgets(data.campaigns);
  const startingBudget = new Map(data.campaigns.map((c) => [`${c.customerId}/${c.campaignId}`, c]));
  const changesByAccount = new Map<string, BudgetChange[]>();
  for (const budget of budgets) {
    const campaign = startingBudget.get(`${budget.customerId}/${budget.campaignId}`);
    if (!campaign) continue;
    const changes = changesByAccount.get(budget.customerId) ?? [];
    changes.push({ ...budget, segmentId: campaign.segmentId, newAmountMicros: campaign.initialBudgetMicros });
    changesByAccount.set(budget.customerId, changes);
  }
  for (const [customerId, changes] of changesByAccount) {
    const failed = (await market.applyBudgetChanges(customerId, changes, { validateOnly: false })).filter(
      (result) => !result.ok,
    );
    if (failed.length > 0) {
      throw new Error(`The simulated market refused ${failed.length} demo budgets in account ${customerId}.`);
    }
  }

  // The first call starts the market on `from`; the second simulates the rest in order.
  await market.advanceTo(from);
  await market.advanceTo(to);

  const counts = await demoSummary.call(db, {});
  return { loaded: true, summary: { seed, days, from, to, ...counts } };
}

const resetSchema = z.union([
  z.object({ reset: z.literal(true) }),
  z.object({ reset: z.literal(false), reason: z.string() }),
]);

const demoFeature = { localOnly: 'The demo data set' };
const demoLoad = sqlFunction(
  'lfi_demo_load',
  { p_data: 'jsonb', p_seed: 'bigint', p_days: 'integer', p_from: 'date', p_to: 'date' },
  loadSchema,
  demoFeature,
);
const demoSummary = sqlFunction('lfi_demo_summary', {}, countsSchema, demoFeature);
const demoReset = sqlFunction('lfi_demo_reset', {}, resetSchema, demoFeature);

/**
 * Empties a database that holds the demo alone (`lfi demo --reset`), so `loadDemo` can load it
 * again: every segment, partner, lead, plan, decision and run goes. A database holding anything
 * the demo did not put there (a segment or partner added since) is refused: nothing changes and
 * the reason comes back.
 */
export async function resetDemo(db: Database): Promise<{ reset: true } | { reset: false; reason: string }> {
  return demoReset.call(db, {});
}

/** The lines `lfi demo` prints. */
export function describeDemo(result: DemoResult): string {
  if (!result.loaded) return result.reason;
  const s = result.summary;
  const spend = formatEuros(s.adSpendMicros);
  return [
    `Demo data loaded (seed ${s.seed}, ${s.days} days from ${s.from} to ${s.to}):`,
    `  ${s.segments} segments (${s.activeSegments} active), ${s.partners} partners, ${s.campaigns} campaigns`,
    `  ${s.leads} leads, ${spend} simulated ad spend`,
  ].join('\n');
}
