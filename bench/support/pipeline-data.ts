import type { CampaignDailyMetrics } from '../../shared/ads/ads-channel.port.ts';
import type { SqlDatabase } from '../../shared/db/database.port.ts';
import { addDays, dayStartUtc } from '../../shared/domain/business-day.ts';

export interface PipelineBenchOptions {
  /** Active segments; one branch has 12 regions, and the last branch's leftover segments are inactive. */
  readonly segments: number;
  /** The window's last business day; the window is the `days` days up to it. */
  readonly to: string;
  readonly days: number;
  readonly leadsPerDay: number;
  readonly partners: number;
  readonly timeZone: string;
}

export const defaultPipelineBenchOptions: PipelineBenchOptions = {
  segments: 500,
  to: '2026-11-24',
  days: 7,
  leadsPerDay: 200_000,
  partners: 2_000,
  timeZone: 'Europe/Amsterdam',
};

export interface PipelineBenchData {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly leads: number;
  /** Active segments, ordered by code. */
  readonly segmentIds: readonly string[];
  /** The ads report for the window: every mapped campaign and a few unmapped ones, every day. */
  readonly adMetrics: readonly CampaignDailyMetrics[];
}

const accounts = ['1000000001', '1000000002', '1000000003'];
const unmappedCampaigns = 20;

/**
 * Fills an empty migrated database with a realistic nightly workload, set-based (generate_series),
 * deterministic (a fixed seed): `segments` active segments (branches × the 12 regions), partners
 * serving 1–2 branches in 1–3 regions, one campaign per segment (two for every fifth) and the
 * window's leads: skewed over segments, ~5% unsegmented, 60% accepted, 15% rejected, 25% open.
 */
export async function seedPipelineBenchData(
  db: SqlDatabase,
  options: PipelineBenchOptions = defaultPipelineBenchOptions,
): Promise<PipelineBenchData> {
  const from = addDays(options.to, -(options.days - 1));
  const branches = Math.ceil(options.segments / 12);
  await db.query(
    `insert into public.industries (name) select format('Branche%s', lpad(b::text, 2, '0')) from generate_series(1, $1) b`,
    [branches],
  );
  await db.query(
    `insert into public.lead_segments (code, branch, region, name, is_active)
     select lower(i.name) || '-' || r.code, lower(i.name), r.code, i.name || ' ' || r.name,
            row_number() over (order by i.name, r.code) <= $1
       from public.industries i cross join public.lfi_regions r`,
    [options.segments],
  );
  await db.query(
    `insert into public.partners (company_name, daily_lead_capacity, is_active)
     select format('Partner %s', n), 20 + (n * 37) % 200, n % 20 <> 0 from generate_series(1, $1) n`,
    [options.partners],
  );
  // Deterministic spread: partner n serves branch n mod B (and another for every third partner)
  // in region n mod 12 (plus one more for even n and another for every fifth).
  await db.exec(`
    create temporary table bench_partner as
      select id, substr(company_name, 9)::int as n from public.partners;
    insert into public.partner_industries (partner_id, industry_id)
    select p.id, i.id from bench_partner p
      join (select id, row_number() over (order by name) - 1 as k, count(*) over () as b from public.industries) i
        on i.k = p.n % i.b or (p.n % 3 = 0 and i.k = (p.n * 7 + 3) % i.b)
    on conflict do nothing;
    insert into public.partner_regions (partner_id, province)
    select p.id, r.code from bench_partner p
      join (select code, row_number() over (order by code) - 1 as k from public.lfi_regions) r
        on r.k = p.n % 12 or (p.n % 2 = 0 and r.k = (p.n * 5 + 1) % 12) or (p.n % 5 = 0 and r.k = (p.n * 7 + 2) % 12)
    on conflict do nothing;
    drop table bench_partner;
  `);
  // Campaign 100000 + k for the k-th active segment, and 200000 + k too for every fifth.
  await db.query(
    `insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id)
     select s.id, ($1::text[])[1 + (s.k % $2)], (c.base + s.k)::text
       from (select id, row_number() over (order by code) - 1 as k from public.lead_segments where is_active) s
       cross join (values (100000), (200000)) as c(base)
      where c.base = 100000 or s.k % 5 = 0`,
    [accounts, accounts.length],
  );

  const segmentIds = (
    await db.query<{ id: string }>('select id from public.lead_segments where is_active order by code')
  ).map((row) => row.id);
  const total = options.leadsPerDay * options.days;
  const start = dayStartUtc(from, options.timeZone);
  const end = dayStartUtc(addDays(options.to, 1), options.timeZone);
  // One transaction: setseed holds for the session, and the trigger stays off only while loading
  // (segment_id is set here directly, as the trigger would).
  await db.transaction(async (tx) => {
    await tx.exec('alter table public.leads disable trigger user');
    await tx.query('select setseed(0.42)');
    await tx.query(
      `insert into public.leads (industry_id, province, segment_id, status, price_at_purchase, created_at)
       select s.industry_id, s.region, s.id,
              case when x.u < 0.60 then 'accepted' when x.u < 0.75 then 'rejected' when x.u < 0.95 then 'pending' else 'new' end,
              case when x.u < 0.60 then round((15 + x.v * 45)::numeric, 2) end,
              $3::timestamptz + ($4::timestamptz - $3::timestamptz) * ((x.n + x.w) / $2::float8)
         from (
           select n, random() as u, random() as v, random() as w,
                  case when random() < 0.05 then null else floor($1 * power(random(), 2))::int end as k
             from generate_series(0, $2 - 1) as n
         ) x
         left join (
           select s.id, s.region, i.id as industry_id, row_number() over (order by s.code) - 1 as k
             from public.lead_segments s join public.industries i on lower(i.name) = s.branch
            where s.is_active
         ) s on s.k = x.k`,
      [segmentIds.length, total, start.toISOString(), end.toISOString()],
    );
    await tx.exec('alter table public.leads enable trigger user');
  });
  await db.exec('analyze');

  const campaigns = await db.query<{ customer_id: string; campaign_id: string }>(
    'select customer_id, campaign_id from public.lead_segment_campaigns order by customer_id, campaign_id',
  );
  const refs = [
    ...campaigns.map((c) => ({ customerId: c.customer_id, campaignId: c.campaign_id })),
    ...Array.from({ length: unmappedCampaigns }, (_, k) => ({
      customerId: accounts[0] ?? '',
      campaignId: `${900000 + k}`,
    })),
  ];
  const adMetrics: CampaignDailyMetrics[] = [];
  for (let day = 0; day < options.days; day += 1) {
    const date = addDays(from, day);
    refs.forEach((ref, index) => {
      const clicks = 20 + ((index * 31 + day * 17) % 180);
      // Cost per click 0.50–3.49 euros, in whole micros.
      adMetrics.push({
        ...ref,
        date,
        clicks,
        costMicros: clicks * (500_000 + ((index * 7919 + day) % 3_000) * 1_000),
        conversions: Math.floor(clicks / 12),
      });
    });
  }
  return { from, to: options.to, timeZone: options.timeZone, leads: total, segmentIds, adMetrics };
}
