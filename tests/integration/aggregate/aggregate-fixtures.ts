import type { SqlDatabase } from '../../../shared/db/database.port.ts';

/** The segments the aggregate tests use: code → branch, region. */
export const segmentCodes = ['schilder-utrecht', 'schilder-zeeland', 'dakdekker-utrecht'] as const;
export type SegmentCode = (typeof segmentCodes)[number] | 'dakdekker-zeeland';

/**
 * Industries "Schilder" and "Dakdekker" (names as the platform writes them; the branch is the
 * lower-cased name), three active segments and an inactive one. Returns segment ids by code.
 */
export async function seedSegments(db: SqlDatabase): Promise<Record<SegmentCode, string>> {
  await db.exec(`
    insert into public.industries (name) values (' Schilder '), ('Dakdekker'), ('Hovenier');
    insert into public.lead_segments (code, branch, region, name, is_active) values
      ('schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht', true),
      ('schilder-zeeland', 'schilder', 'zeeland', 'Schilder Zeeland', true),
      ('dakdekker-utrecht', 'dakdekker', 'utrecht', 'Dakdekker Utrecht', true),
      ('dakdekker-zeeland', 'dakdekker', 'zeeland', 'Dakdekker Zeeland', false);
  `);
  const rows = await db.query<{ code: SegmentCode; id: string }>('select code, id from public.lead_segments');
  return Object.fromEntries(rows.map((row) => [row.code, row.id])) as Record<SegmentCode, string>;
}

export interface LeadRow {
  readonly segment: SegmentCode;
  readonly createdAt: string;
  readonly status?: string;
  readonly price?: string | null;
}

/**
 * Inserts leads of a segment with its industry and province and its segment_id set explicitly:
 * the assignment trigger, where present, arrives at the same segment (inactive segments excepted).
 */
export async function insertLeads(db: SqlDatabase, leads: readonly LeadRow[]): Promise<void> {
  await db.query(
    `insert into public.leads (industry_id, province, segment_id, status, price_at_purchase, created_at)
     select i.id, s.region, s.id, x.status, x.price, x.created_at
       from jsonb_to_recordset($1::jsonb) as x(segment text, status text, price numeric, created_at timestamptz)
       join public.lead_segments s on s.code = x.segment
       join public.industries i on lower(btrim(i.name)) = s.branch`,
    [
      JSON.stringify(
        leads.map((lead) => ({
          segment: lead.segment,
          status: lead.status ?? 'new',
          price: lead.price ?? null,
          created_at: lead.createdAt,
        })),
      ),
    ],
  );
}

export interface StatsRow {
  readonly leads_generated: number;
  readonly leads_accepted: number;
  readonly leads_rejected: number;
  readonly leads_pending: number;
  readonly revenue: string;
  readonly avg_cpl: string | null;
  readonly google_ads_spend: string;
  readonly google_ads_clicks: number;
  readonly google_ads_conversions: string;
  readonly google_ads_budget: string | null;
  readonly google_ads_budget_lost_impression_share: string | null;
  readonly capacity_partners: number;
  readonly capacity_total_leads: string;
  readonly capacity_utilization: string | null;
}

/** Every stats row, keyed "segment-code date", numerics as exact text. */
export async function readStats(db: SqlDatabase): Promise<Record<string, StatsRow & { id: string }>> {
  const rows = await db.query<StatsRow & { key: string; id: string }>(
    `select s.code || ' ' || st.date::text as key, st.id, st.leads_generated, st.leads_accepted, st.leads_rejected,
            st.leads_pending, st.revenue::text, st.avg_cpl::text, st.google_ads_spend::text, st.google_ads_clicks,
            st.google_ads_conversions::text, st.google_ads_budget::text,
            st.google_ads_budget_lost_impression_share::text, st.capacity_partners, st.capacity_total_leads::text,
            st.capacity_utilization::text
       from public.lead_generation_stats st join public.lead_segments s on s.id = st.segment_id
      order by 1`,
  );
  return Object.fromEntries(rows.map(({ key, ...row }) => [key, row]));
}

/** The leads_generated of each stats row, keyed "segment-code date". */
export async function generatedByDay(db: SqlDatabase): Promise<Record<string, number>> {
  const stats = await readStats(db);
  return Object.fromEntries(Object.entries(stats).map(([key, row]) => [key, row.leads_generated]));
}

/** An active partner of `capacity` leads a day serving Schilder in Utrecht (only). */
export async function addSchilderUtrechtPartner(
  db: SqlDatabase,
  name: string,
  capacity: number,
): Promise<void> {
  await db.query(
    `with p as (
       insert into public.partners (company_name, is_active, daily_lead_capacity) values ($1, true, $2) returning id
     ), i as (
       insert into public.partner_industries (partner_id, industry_id)
       select p.id, i.id from p, public.industries i where i.name = ' Schilder '
     )
     insert into public.partner_regions (partner_id, province) select id, 'utrecht' from p`,
    [name, capacity],
  );
}

/** Opens a database for one test and closes it after, whatever the test did. */
export async function withDatabase(
  open: () => Promise<SqlDatabase>,
  work: (db: SqlDatabase) => Promise<void>,
): Promise<void> {
  const db = await open();
  try {
    await work(db);
  } finally {
    await db.close();
  }
}
