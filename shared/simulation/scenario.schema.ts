import { z } from 'zod';
import { isIsoDate } from '../domain/business-day.ts';
import { regionCodes } from '../domain/regions.ts';
import { InputError } from '../runtime/errors.ts';

/**
 * A scenario for `lfi simulate`: the market a set of segments meets over N days (day 0..N-1
 * from `startDate`, business days in Europe/Amsterdam), what their partners can take, and what
 * happens to them on the way (cost shocks, partners leaving, budgets edited by hand, days of
 * missing data). The simulated market (scenario-market.ts) plays it; the controller never sees
 * it, only the leads and reports it produces. docs/scenario.schema.json is this schema exported.
 */

const MAX_DAYS = 366;
const day = z
  .int()
  .min(0)
  .max(MAX_DAYS - 1)
  .meta({ description: 'A day of the scenario: 0 is startDate.' });
const euros = z.number().min(0).multipleOf(0.01);
const positive = z.number().gt(0);
const text = z.string().trim().min(1);

const responseSchema = z
  .strictObject({
    elasticity: z.number().gt(0).lte(1).default(0.7).meta({
      description:
        'Leads grow as spend^elasticity: below 1 every extra euro buys fewer leads than the one before (diminishing returns).',
    }),
    referenceLeadsPerDay: positive.meta({
      description:
        'The volume at which costPerLeadEuros holds: spending referenceLeadsPerDay × costPerLeadEuros a day buys referenceLeadsPerDay expected leads (before the weekday factor and the ceiling).',
    }),
  })
  .meta({ description: 'The response curve: expected leads as a function of spend.' });

const leadStatusSchema = z
  .strictObject({
    minLagDays: z.int().min(0).max(30).default(1).meta({
      description: 'Partners accept or reject a lead at the earliest this many days after it came in.',
    }),
    maxLagDays: z.int().min(0).max(30).default(3).meta({ description: '... and at the latest this many.' }),
    acceptanceRate: z.number().min(0).max(1).default(0.9).meta({
      description:
        'Share of leads partners accept while the day’s leads fit their capacity; leads beyond capacity are rejected.',
    }),
    pricePerAcceptedLeadEuros: euros.meta({
      description: 'What a partner pays for an accepted lead (leads.price_at_purchase).',
    }),
  })
  .refine((s) => s.minLagDays <= s.maxLagDays, {
    message: 'minLagDays must not exceed maxLagDays',
    path: ['minLagDays'],
  })
  .meta({ description: 'How and when partners decide on the leads.' });

const partnerSchema = z
  .strictObject({
    name: text.optional().meta({ description: 'Company name (default: "<segment> partner <n>").' }),
    capacityPerDay: z.int().min(0).max(100_000).meta({
      description: 'Leads a day the partner can take (partners.daily_lead_capacity).',
    }),
    fromDay: day.default(0).meta({ description: 'The day the partner joins (active from this day on).' }),
    untilDay: z.int().min(1).max(MAX_DAYS).optional().meta({
      description: 'The day the partner leaves (inactive from this day on); absent: stays to the end.',
    }),
  })
  .refine((p) => p.untilDay === undefined || p.untilDay > p.fromDay, {
    message: 'untilDay must come after fromDay',
    path: ['untilDay'],
  })
  .meta({ description: 'A partner serving exactly this segment (its branch in its region).' });

const targetOverrideSchema = z
  .strictObject({
    fromDay: day,
    toDay: day.optional().meta({ description: 'Last day of the override, inclusive; absent: to the end.' }),
    leadsPerDay: z.int().min(0).meta({ description: 'The target while the override holds.' }),
  })
  .refine((o) => o.toDay === undefined || o.toDay >= o.fromDay, {
    message: 'toDay must not come before fromDay',
    path: ['toDay'],
  })
  .meta({ description: 'A manual target (lead_target_overrides) instead of capacity × utilization.' });

const budgetEditSchema = z
  .strictObject({
    day,
    budgetEuros: euros.meta({ description: 'The daily budget someone sets by hand in the ads account.' }),
  })
  .meta({ description: 'A budget edited by hand in the ads account before the day starts.' });

const shockSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('costPerLead'),
        day,
        factor: positive.meta({ description: 'Cost per lead × factor from this day on (2 doubles it).' }),
      })
      .meta({ description: 'Cost per lead jumps (competition, seasonality) from a day on.' }),
    z
      .strictObject({
        kind: z.literal('missingCostData'),
        day,
        days: z.int().min(1).max(MAX_DAYS).default(1),
        arrivesAfterDays: z.int().min(1).max(MAX_DAYS).optional().meta({
          description:
            'The missing rows appear in the report this many days after their day (late cost); absent: never.',
        }),
      })
      .meta({ description: 'Days whose rows are missing from the ads report (leads still come in).' }),
    z
      .strictObject({
        kind: z.literal('trackingOutage'),
        day,
        days: z.int().min(1).max(MAX_DAYS).default(1),
      })
      .meta({
        description:
          'Days the landing page is down: the campaign serves nothing, so no leads and no cost (the report shows zeros).',
      }),
  ])
  .meta({ description: 'Something that happens to the segment on a given day.' });

const segmentSchema = z
  .strictObject({
    branch: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lower-case branch name such as "schilder"')
      .meta({ description: 'The branch (industry name, lower case), e.g. schilder, dakdekker, warmtepomp.' }),
    region: z.enum(regionCodes).meta({ description: 'The province (lfi_regions.code).' }),
    customerId: z
      .string()
      .regex(/^\d{10}$/, 'must be a 10-digit ads account id')
      .optional()
      .meta({ description: 'The ads account of the segment’s campaign (default: the first account).' }),
    costPerLeadEuros: positive.meta({
      description: 'Average cost per lead at referenceLeadsPerDay, before shocks and noise.',
    }),
    costNoise: z.number().min(0).max(1).default(0.15).meta({
      description: 'Day-to-day noise of the cost per lead: σ of a mean-one lognormal factor.',
    }),
    response: responseSchema,
    demandCeilingLeadsPerDay: positive.meta({
      description:
        'The most expected leads a day the market holds however much is spent (× the weekday factor). Near it spend stops growing and the budget-lost impression share goes to 0.',
    }),
    weekday: z
      .array(z.number().min(0).max(5))
      .length(7)
      .default([1, 1, 1, 1, 1, 1, 1])
      .meta({ description: 'Demand multipliers Monday to Sunday (on leads and on the ceiling).' }),
    leadStatus: leadStatusSchema,
    partners: z.array(partnerSchema).min(1).max(50),
    targetUtilization: z.number().gt(0).lte(1).multipleOf(0.001).default(0.8).meta({
      description: 'Target = capacity × this (lead_segments.target_utilization).',
    }),
    targetOverrides: z.array(targetOverrideSchema).max(20).default([]),
    startBudgetEuros: euros.meta({ description: 'The campaign’s daily budget on day 0.' }),
    budgetEdits: z.array(budgetEditSchema).max(100).default([]),
    shocks: z.array(shockSchema).max(50).default([]),
  })
  .refine((s) => new Set(s.budgetEdits.map((e) => e.day)).size === s.budgetEdits.length, {
    message: 'has two budget edits on one day',
    path: ['budgetEdits'],
  })
  .meta({ description: 'A lead segment (branch × province) with one campaign and its market.' });

const accountSchema = z
  .strictObject({
    customerId: z.string().regex(/^\d{10}$/, 'must be a 10-digit ads account id'),
    dailyCapEuros: positive.multipleOf(0.01).optional().meta({
      description: 'Cap on the sum of the account’s daily budgets (guardrails.accountDailyCapMicros).',
    }),
  })
  .meta({ description: 'An ads account.' });

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
    name: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case, e.g. "cost-shock-up"')
      .meta({ description: 'Short kebab-case name, used in tables and plot file names.' }),
    description: text.meta({ description: 'What the scenario tests, in a sentence or two.' }),
    startDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
      .refine(isIsoDate, 'must be a real date written YYYY-MM-DD')
      .default('2027-01-04')
      .meta({ description: 'The business day of day 0 (Europe/Amsterdam).' }),
    days: z.int().min(1).max(MAX_DAYS).default(90).meta({ description: 'Days simulated (nights run).' }),
    seed: z.int().min(0).max(2_147_483_647).default(1).meta({ description: 'Seed of the market’s noise.' }),
    warmupDays: z.int().min(0).max(MAX_DAYS).default(14).meta({
      description: 'Days left out of the metrics while the controller learns the market.',
    }),
    accounts: z
      .array(accountSchema)
      .min(1)
      .max(10)
      .default([{ customerId: '1000000001' }]),
    segments: z.array(segmentSchema).min(1).max(100),
  })
  .superRefine((scenario, ctx) => {
    const accounts = new Set(scenario.accounts.map((a) => a.customerId));
    if (accounts.size !== scenario.accounts.length) {
      ctx.addIssue({ code: 'custom', message: 'lists one customerId twice', path: ['accounts'] });
    }
    const seen = new Set<string>();
    scenario.segments.forEach((segment, index) => {
      const key = `${segment.branch}-${segment.region}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `repeats segment ${key} (one segment per branch and region)`,
          path: ['segments', index, 'region'],
        });
      }
      seen.add(key);
      if (segment.customerId !== undefined && !accounts.has(segment.customerId)) {
        ctx.addIssue({
          code: 'custom',
          message: `names account ${segment.customerId}, which is not in accounts`,
          path: ['segments', index, 'customerId'],
        });
      }
    });
  })
  .meta({
    title: 'LFI simulation scenario',
    description:
      'A closed-loop scenario for `lfi simulate`: segments, their market, their partners and what happens to them, day 0..days-1 from startDate.',
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSegment = Scenario['segments'][number];
export type ScenarioShock = ScenarioSegment['shocks'][number];

/** The JSON Schema committed as docs/scenario.schema.json (what a scenario file may contain). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** docs/scenario.schema.json's exact text: `lfi simulate --write-schema` writes it, a test compares. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export class ScenarioError extends InputError {}

/**
 * Parses a scenario document. A problem throws one sentence naming the source and the field,
 * e.g. `scenarios/x.json: segments[2].costPerLeadEuros: Too small: expected number to be >0.`
 */
export function parseScenario(document: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const where = first && first.path.length > 0 ? fieldPath(first.path) : 'the document';
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  const message = (first?.message ?? 'invalid').replace(/\.$/, '');
  throw new ScenarioError(`${source}: ${where}: ${message}${more}.`, parsed.error.issues);
}

/** Parses a scenario file's text (JSON). */
export function parseScenarioJson(json: string, source: string): Scenario {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(`${source} is not valid JSON: ${reason.replace(/\.$/, '')}.`);
  }
  return parseScenario(document, source);
}

/** `segments[2].costPerLeadEuros`, as a person would write it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
