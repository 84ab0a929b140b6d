import { z } from 'zod';
import type { SqlDatabase } from '../db/database.port.ts';
import { addDays } from '../domain/business-day.ts';
import { eurosFromMicros, type Micros } from '../domain/money.ts';
import { isPartnerActive, type ScenarioWorld } from './scenario-world.ts';

/**
 * The scenario's world in the database, as the platform would have it: industries, segments,
 * partners and what they serve, campaign mappings, target overrides and settings (once), then
 * per simulated day the partners joining or leaving, the day's leads and the partners' verdicts
 * on earlier ones. Every write is one set-based statement from a JSON document, so a day costs a
 * fixed number of statements whatever the number of segments or leads. The simulation's own
 * tables are none: the market's state stays in memory.
 */
export type ControllerName = 'default' | 'plan';

export interface NewLead {
  readonly id: string;
  readonly industryId: string;
  readonly province: string;
  readonly postcode: string;
  readonly createdAt: string;
}

export interface LeadVerdict {
  readonly id: string;
  readonly status: 'accepted' | 'rejected';
  /** Micros; null for a rejected lead. */
  readonly priceMicros: Micros | null;
  readonly decidedAt: string;
}

export interface PartnerChange {
  readonly id: string;
  readonly active: boolean;
}

export interface PlanRow {
  readonly code: string;
  readonly date: string;
  readonly targetLeadsPerDay: number;
}

export interface DecisionRow {
  readonly code: string;
  readonly date: string;
  readonly status: string;
  readonly actionType: string;
  readonly oldValue: string | null;
  readonly newValue: string | null;
  readonly explanation: string;
}

export interface ScenarioWorldRepository {
  /** Writes the world as it stands on day 0 into a fresh, migrated database. */
  create(world: ScenarioWorld, controller: ControllerName): Promise<void>;
  /** One simulated day: partner changes, then new leads, then verdicts (which may be on today's leads). */
  recordDay(day: {
    readonly partners: readonly PartnerChange[];
    readonly leads: readonly NewLead[];
    readonly verdicts: readonly LeadVerdict[];
  }): Promise<void>;
  /** Every night's plans (target per segment and date) and real (not dry-run) decisions. */
  readOutcomes(): Promise<{ plans: PlanRow[]; decisions: DecisionRow[] }>;
}

const planRowsSchema = z.array(
  z.object({ code: z.string(), date: z.string(), target_leads_per_day: z.coerce.number() }),
);
const decisionRowsSchema = z.array(
  z.object({
    code: z.string(),
    date: z.string(),
    status: z.string(),
    action_type: z.string(),
    old_value: z.string().nullable(),
    new_value: z.string().nullable(),
    explanation: z.string(),
  }),
);

export function scenarioWorldRepository(db: SqlDatabase): ScenarioWorldRepository {
  return {
    async create(world, controller) {
      const segments = world.segments;
      const partners = segments.flatMap((s) =>
        s.partners.map((p) => ({
          id: p.id,
          name: p.name,
          active: isPartnerActive(p, 0),
          capacity: p.capacityPerDay,
          industryId: s.industryId,
          region: s.region,
        })),
      );
      const overrides = segments
        .flatMap((s) =>
          s.targetOverrides.map((o) => ({
            segmentId: s.id,
            leadsPerDay: o.leadsPerDay,
            validFrom: addDays(world.startDate, o.fromDay),
            validTo: o.toDay === null ? null : addDays(world.startDate, o.toDay),
          })),
        )
        .map((o, n) => ({ ...o, n }));
      const caps = Object.fromEntries(
        world.accounts.flatMap((a) => (a.dailyCapMicros === null ? [] : [[a.customerId, a.dailyCapMicros]])),
      );
      const settings = [
        { key: 'controller', value: { name: controller } },
        ...(Object.keys(caps).length > 0
          ? [{ key: 'guardrails', value: { accountDailyCapMicros: caps } }]
          : []),
      ];
      await db.transaction(async (tx) => {
        await tx.query(
          `insert into public.industries (id, name)
           select x.id, x.name from jsonb_to_recordset($1::jsonb) as x(id uuid, name text)`,
          [JSON.stringify(world.industries)],
        );
        await tx.query(
          `insert into public.lead_segments (id, code, branch, region, name, target_utilization)
           select x.id, x.code, x.branch, x.region, x.name, x.utilization
             from jsonb_to_recordset($1::jsonb) as x(id uuid, code text, branch text, region text, name text, utilization numeric)`,
          [
            JSON.stringify(
              segments.map((s) => ({
                id: s.id,
                code: s.code,
                branch: s.branch,
                region: s.region,
                name: `${s.branch} ${s.regionName}`,
                utilization: s.targetUtilization,
              })),
            ),
          ],
        );
        await tx.query(
          `with x as (
             select * from jsonb_to_recordset($1::jsonb)
               as x(id uuid, name text, active boolean, capacity integer, "industryId" uuid, region text)
           ), added as (
             insert into public.partners (id, company_name, is_active, daily_lead_capacity)
             select id, name, active, capacity from x
             returning id
           ), served_industries as (
             insert into public.partner_industries (partner_id, industry_id)
             select id, "industryId" from x
           )
           insert into public.partner_regions (partner_id, province)
           select id, region from x`,
          [JSON.stringify(partners)],
        );
        await tx.query(
          `insert into public.lead_segment_campaigns (segment_id, channel, customer_id, campaign_id)
           select x.id, 'google_ads', x.customer_id, x.campaign_id
             from jsonb_to_recordset($1::jsonb) as x(id uuid, customer_id text, campaign_id text)`,
          [
            JSON.stringify(
              segments.map((s) => ({ id: s.id, customer_id: s.customerId, campaign_id: s.campaignId })),
            ),
          ],
        );
        // Created a second apart, in the scenario's order: the latest one listed wins, as in the planner.
        await tx.query(
          `insert into public.lead_target_overrides
             (segment_id, target_leads_per_day, valid_from, valid_to, reason, created_by, created_at)
           select x."segmentId", x."leadsPerDay", x."validFrom", x."validTo", 'scenario override', 'lfi simulate',
                  $2::date::timestamptz - interval '1 day' + make_interval(secs => x.n)
             from jsonb_to_recordset($1::jsonb)
               as x("segmentId" uuid, "leadsPerDay" integer, "validFrom" date, "validTo" date, n integer)`,
          [JSON.stringify(overrides), world.startDate],
        );
        await tx.query(
          `insert into public.lfi_settings (key, value, updated_by)
           select x.key, x.value, 'lfi simulate' from jsonb_to_recordset($1::jsonb) as x(key text, value jsonb)
           on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = now()`,
          [JSON.stringify(settings)],
        );
      });
    },

    async recordDay({ partners, leads, verdicts }) {
      if (partners.length > 0) {
        await db.query(
          `update public.partners p set is_active = x.active
             from jsonb_to_recordset($1::jsonb) as x(id uuid, active boolean)
            where p.id = x.id`,
          [JSON.stringify(partners)],
        );
      }
      if (leads.length > 0) {
        await db.query(
          `insert into public.leads (id, industry_id, province, postcode, status, created_at, updated_at)
           select x.id, x."industryId", x.province, x.postcode, 'new', x."createdAt", x."createdAt"
             from jsonb_to_recordset($1::jsonb)
               as x(id uuid, "industryId" uuid, province text, postcode text, "createdAt" timestamptz)`,
          [JSON.stringify(leads)],
        );
      }
      if (verdicts.length > 0) {
        await db.query(
          `update public.leads l
              set status = x.status, price_at_purchase = x.price, updated_at = x."decidedAt"
             from jsonb_to_recordset($1::jsonb) as x(id uuid, status text, price numeric, "decidedAt" timestamptz)
            where l.id = x.id`,
          [
            JSON.stringify(
              verdicts.map((v) => ({
                id: v.id,
                status: v.status,
                price: v.priceMicros === null ? null : eurosFromMicros(v.priceMicros),
                decidedAt: v.decidedAt,
              })),
            ),
          ],
        );
      }
    },

    async readOutcomes() {
      const plans = planRowsSchema.parse(
        await db.query(
          `select s.code, to_char(p.date, 'YYYY-MM-DD') as date, p.target_leads_per_day
             from public.lead_segment_plans p join public.lead_segments s on s.id = p.segment_id
            order by p.date, s.code`,
        ),
      );
      const decisions = decisionRowsSchema.parse(
        await db.query(
          `select s.code, to_char(l.date, 'YYYY-MM-DD') as date, l.status, l.action_type,
                  l.old_value::text, l.new_value::text, l.explanation
             from public.channel_orchestration_log l join public.lead_segments s on s.id = l.segment_id
            where l.status <> 'dry_run'
            order by l.date, s.code`,
        ),
      );
      return {
        plans: plans.map((p) => ({ code: p.code, date: p.date, targetLeadsPerDay: p.target_leads_per_day })),
        decisions: decisions.map((d) => ({
          code: d.code,
          date: d.date,
          status: d.status,
          actionType: d.action_type,
          oldValue: d.old_value,
          newValue: d.new_value,
          explanation: d.explanation,
        })),
      };
    },
  };
}
