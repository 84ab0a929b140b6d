import { z } from 'zod';
import { regionCodes } from '../domain/regions.ts';

/**
 * The HTTP API's request and response shapes, used to validate at the edge, to parse what the
 * database returns, and to generate the OpenAPI document. Field names are the tables' own.
 * Money is a string of euros with exactly 2 decimals ("12.50"): exact, unlike a JSON number.
 */
export const maxRangeDays = 366;
export const defaultRangeDays = 30;
export const maxPageLimit = 200;
export const defaultPageLimit = 50;

const uuid = z.uuid({ message: 'must be a UUID' });
const isoDate = z.iso.date({ message: 'must be a real date written YYYY-MM-DD' });
/** The dates the API takes: LFI's data lives between these, and the date arithmetic is exact here. */
export const firstApiDate = '2000-01-01';
export const lastApiDate = '2100-12-31';
const apiDate = isoDate.refine((date) => date >= firstApiDate && date <= lastApiDate, {
  message: `must be a date from ${firstApiDate} to ${lastApiDate}`,
});
const timestamp = z.iso.datetime({ offset: true });
const money = z
  .string()
  .regex(/^\d+\.\d{2}$/)
  .meta({ description: 'Euros with 2 decimals, as a string so the amount stays exact.', example: '125.00' });

/** A query-string integer: digits only, then range-checked. */
const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

// ---- requests ----

export const segmentParams = z.strictObject({ id: uuid });
export const overrideParams = z.strictObject({ id: uuid, override_id: uuid });

const pageQueryShape = {
  limit: queryInteger(1, maxPageLimit)
    .optional()
    .meta({ description: `Page size, 1-${maxPageLimit} (default ${defaultPageLimit}).` }),
  offset: queryInteger(0, 100_000).optional().meta({ description: 'Items to skip (default 0).' }),
};
const rangeQueryShape = {
  from: apiDate
    .optional()
    .meta({ description: `First date (default: ${defaultRangeDays} days before \`to\`).` }),
  to: apiDate
    .optional()
    .meta({ description: 'Last date, inclusive (default: yesterday in the business time zone).' }),
};

export const pageQuery = z.strictObject(pageQueryShape);
export const rangeQuery = z.strictObject(rangeQueryShape);
export const rangePageQuery = z.strictObject({ ...rangeQueryShape, ...pageQueryShape });
export const emptyQuery = z.strictObject({});
export const gapEpisodesQuery = z.strictObject({
  status: z
    .enum(['open', 'closed', 'all'], { message: 'must be open, closed or all' })
    .optional()
    .meta({ description: 'Which episodes: open (still alerting), closed, or all (default).' }),
  ...pageQueryShape,
});

export const createSegmentBody = z.strictObject({
  branch: z
    .string()
    .trim()
    .toLowerCase()
    .max(60, { message: 'must be at most 60 characters' })
    .regex(/^[a-z0-9]+([ -][a-z0-9]+)*$/, {
      message: 'must be letters and digits, words separated by one space or dash',
    }),
  region: z.enum(regionCodes, { message: `must be one of ${regionCodes.join(', ')}` }),
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(120).optional(),
  target_utilization: z.number().gt(0, { message: 'must be above 0' }).max(1).multipleOf(0.001).optional(),
  is_active: z.boolean().optional(),
});

export const setOverrideBody = z
  .strictObject({
    target_leads_per_day: z.number().int().min(0).max(100_000),
    valid_from: apiDate,
    valid_to: apiDate.nullable().optional(),
    reason: z.string().trim().min(1, { message: 'must say why' }).max(500),
  })
  .refine((o) => o.valid_to == null || o.valid_to >= o.valid_from, {
    message: 'must not be before valid_from',
    path: ['valid_to'],
  });

export const reasonBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const killSwitchBody = z.strictObject({
  enabled: z.boolean(),
  reason: z.string().trim().min(1).max(500).optional(),
});

export const restoreBody = z.strictObject({
  date: apiDate.meta({
    description: 'The night whose budget changes to put back (a business day up to yesterday).',
  }),
  dry_run: z
    .boolean()
    .optional()
    .meta({ description: 'Check with the ads account only (validate_only); change nothing.' }),
});

// ---- responses ----

const page = z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int() });

export const segment = z.object({
  id: uuid,
  code: z.string(),
  branch: z.string(),
  region: z.string(),
  name: z.string(),
  is_active: z.boolean(),
  target_utilization: z.number(),
  orchestration_paused: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const segmentOverview = segment.extend({
  latest_plan: z
    .object({
      date: isoDate,
      target_leads_per_day: z.number(),
      target_source: z.enum(['capacity', 'override']),
      actual_leads: z.number().int(),
      lead_gap: z
        .number()
        .meta({ description: 'Target − the 7-day average of leads: the gap the controller acts on.' }),
      lead_gap_percentage: z.number(),
      actual_daily_budget_google_ads: money.nullable(),
    })
    .nullable()
    .meta({ description: "The segment's plan for overview.as_of; null when it was not planned that day." }),
  overview: z.object({
    as_of: isoDate.meta({
      description:
        'The business day everything here describes: the latest planned day (yesterday in the business time zone before any plan).',
    }),
    capacity_partners: z.number().int().nullable(),
    capacity_total_leads: z.number().nullable(),
    leads_yesterday: z.number().int().nullable(),
    leads_7d_avg: z
      .number()
      .meta({ description: 'Leads a day over the 7 days ending as_of; days without stats count as 0.' }),
    last_budget_change: z
      .object({
        date: isoDate,
        old_value: money.nullable(),
        new_value: money.nullable(),
        status: z.string(),
        created_at: timestamp,
      })
      .nullable(),
    current_budget: z
      .object({
        amount: money.nullable(),
        date: isoDate,
        source: z.enum(['decision', 'ads_report']),
      })
      .nullable()
      .meta({
        description:
          "The daily budget the ads account holds as of as_of: the latest real decision's outcome (read from the account when it was taken), else the ads report's.",
      }),
  }),
});

export const segmentList = z.object({
  as_of: isoDate.meta({ description: 'The business day every item describes (as each overview.as_of).' }),
  items: z.array(segmentOverview),
  page,
});

export const statsRow = z.object({
  date: isoDate,
  leads_generated: z.number().int(),
  leads_accepted: z.number().int(),
  leads_rejected: z.number().int(),
  leads_pending: z.number().int(),
  revenue: money,
  avg_cpl: money.nullable(),
  google_ads_spend: money,
  google_ads_clicks: z.number().int(),
  google_ads_conversions: z.number(),
  capacity_partners: z.number().int(),
  capacity_total_leads: z.number(),
  capacity_utilization: z.number().nullable(),
  updated_at: timestamp,
});

export const planRow = z.object({
  date: isoDate,
  capacity_total_leads: z.number(),
  target_utilization: z.number(),
  target_leads_per_day: z.number(),
  target_source: z.enum(['capacity', 'override']),
  override_id: uuid.nullable(),
  actual_leads: z.number().int(),
  lead_gap: z
    .number()
    .meta({ description: 'Target − the 7-day average of leads: the gap the controller acts on.' }),
  lead_gap_percentage: z.number(),
  actual_daily_budget_google_ads: money.nullable(),
  updated_at: timestamp,
});

const range = { segment_id: uuid, from: isoDate, to: isoDate };
export const segmentStats = z.object({ ...range, items: z.array(statsRow) });
export const segmentPlans = z.object({ ...range, items: z.array(planRow) });

export const decision = z.object({
  id: uuid,
  segment_id: uuid,
  run_id: uuid.nullable(),
  date: isoDate,
  channel: z.string(),
  customer_id: z.string().nullable().meta({
    description: "The segment's ads account when it has one campaign; each budget's is in changes.",
  }),
  campaign_id: z.string().nullable().meta({ description: "The segment's campaign when it has only one." }),
  action_type: z.enum(['budget_increase', 'budget_decrease', 'no_change']),
  old_value: money.nullable(),
  new_value: money.nullable(),
  status: z.enum([
    'applying',
    'applied',
    'clamped',
    'adopted',
    'skipped',
    'failed',
    'dry_run',
    'not_sent',
    'restored',
    'restore_failed',
  ]),
  explanation: z.string().meta({ description: 'The one-line English explanation, as logged.' }),
  reason_code: z
    .string()
    .nullable()
    .meta({ description: 'The rule that decided (e.g. max_daily_change, paused, model); null on old rows.' }),
  reason_params: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The numbers behind the reason, enough to say the explanation in any language.' }),
  error_message: z.string().nullable(),
  created_at: timestamp,
  changes: z
    .array(
      z.object({
        customer_id: z.string(),
        campaign_id: z.string(),
        old_value: money,
        new_value: money,
        error_message: z.string().nullable(),
      }),
    )
    .meta({
      description:
        'Each campaign budget the decision sent (or would send), with its own account; empty when it sent nothing.',
    }),
});
export const segmentDecisions = z.object({ ...range, items: z.array(decision), page });

export const override = z.object({
  id: uuid,
  segment_id: uuid,
  target_leads_per_day: z.number().int(),
  valid_from: isoDate,
  valid_to: isoDate.nullable(),
  reason: z.string(),
  created_by: z.string(),
  created_at: timestamp,
  cleared_at: timestamp.nullable(),
  cleared_by: z.string().nullable(),
  active: z.boolean().meta({ description: 'Not cleared, and valid today or later.' }),
});
export const segmentOverrides = z.object({ segment_id: uuid, items: z.array(override), page });

export const killSwitch = z.object({
  enabled: z.boolean(),
  updated_at: timestamp.nullable(),
  updated_by: z.string().nullable(),
});

const segmentDecision = decision.extend({ segment_code: z.string() });
export const orchestrationStatus = z.object({
  kill_switch: killSwitch,
  steps: z.array(
    z.object({
      step: z.string(),
      run_id: uuid,
      run_date: isoDate,
      status: z.enum(['running', 'succeeded', 'partial', 'failed', 'stale']),
      dry_run: z.boolean(),
      started_at: timestamp,
      finished_at: timestamp.nullable(),
      counts: z.record(z.string(), z.unknown()),
      error_message: z.string().nullable(),
    }),
  ),
  recent_decisions: z.array(segmentDecision),
  failures: z.object({
    runs: z.array(
      z.object({
        run_id: uuid,
        step: z.string(),
        run_date: isoDate,
        started_at: timestamp,
        error_message: z.string().nullable(),
      }),
    ),
    decisions: z.array(segmentDecision),
  }),
});

export const runRow = z.object({
  run_id: uuid,
  step: z.string(),
  run_date: isoDate,
  status: z.enum(['running', 'succeeded', 'partial', 'failed', 'stale']).meta({
    description:
      'partial: the step finished but some budget changes failed; stale: it stopped without finishing and a later run took over.',
  }),
  dry_run: z.boolean(),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
  started_by: z
    .string()
    .nullable()
    .meta({ description: 'Who started it (e.g. lfi on a machine); null: the nightly schedule.' }),
  counts: z.record(z.string(), z.unknown()),
  error_message: z.string().nullable(),
  decisions_recorded: z.number().int().nullable().meta({
    description: 'Orchestrate only: decisions this run recorded (0: a rerun that found all decided).',
  }),
  budgets_changed: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Orchestrate only: budgets this run changed.' }),
});
export const runList = z.object({ items: z.array(runRow), page });

export const startedRun = z.object({
  date: isoDate.meta({ description: 'Yesterday in the business time zone: the night the run is for.' }),
  execution_id: z.string().meta({ description: 'The execution (the Step Functions execution ARN in AWS).' }),
  started_by: z.string(),
});

export const restoreResult = z.object({
  date: isoDate,
  dry_run: z.boolean(),
  restored: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  segments: z.array(
    z.object({
      segment_id: uuid,
      code: z.string(),
      status: z.enum(['restored', 'restore_failed', 'dry_run', 'skipped']),
      explanation: z.string(),
      error_message: z.string().nullable(),
    }),
  ),
});

export const gapEpisode = z.object({
  id: uuid,
  segment_id: uuid,
  segment_code: z.string(),
  segment_name: z.string(),
  status: z.enum(['open', 'closed']),
  started_on: isoDate.meta({ description: 'The first day of the run of large gaps.' }),
  raised_on: isoDate.meta({ description: 'The day the episode reached its N days and raised its alert.' }),
  last_seen_on: isoDate.meta({ description: 'The latest day the gap was still beyond the threshold.' }),
  closed_on: isoDate
    .nullable()
    .meta({ description: 'The first day back within the threshold; null while open.' }),
  threshold_percentage: z
    .number()
    .meta({ description: 'The |gap %| threshold in force when it was raised.' }),
  threshold_days: z.number().int(),
  gap_percentage: z.number().meta({ description: 'The gap % of its latest day (positive: too few leads).' }),
  peak_gap_percentage: z.number().meta({ description: 'The largest gap % seen in the episode.' }),
  explanation: z.string().meta({ description: "The alert's one line." }),
  closing_explanation: z.string().nullable(),
  alerted_at: timestamp.nullable().meta({ description: 'When the alert went out; null: not sent (yet).' }),
});
export const gapEpisodeList = z.object({ items: z.array(gapEpisode), page });

export const openApiDocument = z.record(z.string(), z.unknown());

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
