import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';

/** The simulated market's state and days live in the local-only tables `lfi_sim_*` (supabase/local/). */
const feature = 'The simulated ads market (LFI_ADS_CHANNEL=simulated)';

export const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const stateSchema = z.object({
  lastDate: dateText.nullable(),
  campaigns: z.array(
    z.object({
      customerId: z.string(),
      campaignId: z.string(),
      segmentId: z.string(),
      active: z.boolean(),
      branch: z.string(),
      region: z.string(),
      registered: z.boolean(),
      budgetId: z.string().nullable(),
      budgetMicros: z.number().int().nullable(),
      cpcMicros: z.number().int().nullable(),
      conversionRate: z.number().nullable(),
      marketClicks: z.number().int().nullable(),
    }),
  ),
  segments: z.array(
    z.object({
      segmentId: z.string(),
      branch: z.string(),
      region: z.string(),
      regionName: z.string(),
      industryId: z.string().nullable(),
    }),
  ),
});

const metricsSchema = z.array(
  z.object({
    customerId: z.string(),
    campaignId: z.string(),
    date: dateText,
    costMicros: z.number().int(),
    clicks: z.number().int(),
    conversions: z.number(),
    budgetMicros: z.number().int().nonnegative(),
    // Absent for days simulated before the market kept it.
    searchBudgetLostImpressionShare: z.number().min(0).max(1).optional(),
  }),
);
const applyResultsSchema = z.array(z.object({ ok: z.boolean(), error: z.string().nullable() }));
const recordedSchema = z.object({
  recorded: z.boolean(),
  leads: z.number().int(),
  decided: z.number().int(),
});

const options = { localOnly: feature };
const state = sqlFunction('lfi_sim_state', {}, stateSchema, options);
const register = sqlFunction('lfi_sim_register', { p_campaigns: 'jsonb' }, z.number().int(), options);
const recordDay = sqlFunction(
  'lfi_sim_record_day',
  {
    p_date: 'date',
    p_seed: 'bigint',
    p_campaign_days: 'jsonb',
    p_leads: 'jsonb',
    p_lead_prices: 'jsonb',
    p_time_zone: 'text',
  },
  recordedSchema,
  options,
);
const metrics = sqlFunction(
  'lfi_sim_metrics',
  { p_campaigns: 'jsonb', p_from: 'date', p_to: 'date' },
  metricsSchema,
  options,
);
const applyBudgets = sqlFunction(
  'lfi_sim_apply_budgets',
  { p_customer_id: 'text', p_changes: 'jsonb', p_validate_only: 'boolean' },
  applyResultsSchema,
  options,
);

/** The simulated market's side of the database, one typed call per SQL function. */
export const simulatedMarket = {
  state: (db: Database) => state.call(db, {}),
  register: (db: Database, campaigns: readonly object[]) => register.call(db, { p_campaigns: campaigns }),
  recordDay: (
    db: Database,
    day: {
      readonly date: string;
      readonly seed: number;
      readonly campaignDays: readonly object[];
      readonly leads: readonly object[];
      readonly leadPrices: Record<string, number>;
      readonly timeZone: string;
    },
  ) =>
    recordDay.call(db, {
      p_date: day.date,
      p_seed: day.seed,
      p_campaign_days: day.campaignDays,
      p_leads: day.leads,
      p_lead_prices: day.leadPrices,
      p_time_zone: day.timeZone,
    }),
  metrics: (db: Database, campaigns: readonly object[], from: string, to: string) =>
    metrics.call(db, { p_campaigns: campaigns, p_from: from, p_to: to }),
  applyBudgets: (db: Database, customerId: string, changes: readonly object[], validateOnly: boolean) =>
    applyBudgets.call(db, { p_customer_id: customerId, p_changes: changes, p_validate_only: validateOnly }),
};
