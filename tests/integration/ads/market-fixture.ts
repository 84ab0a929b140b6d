import type { CampaignRef } from '../../../shared/ads/ads-channel.port.ts';
import type { SimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';

export const ACCOUNT = '1111111111';
export const OTHER_ACCOUNT = '2222222222';

/** Painters in Utrecht (capacity 50), heat pumps in Utrecht (10), painters in Zeeland (1). */
export const CAMPAIGNS = {
  painterUtrecht: { customerId: ACCOUNT, campaignId: '101' },
  heatPumpUtrecht: { customerId: ACCOUNT, campaignId: '102' },
  painterZeeland: { customerId: ACCOUNT, campaignId: '103' },
} as const satisfies Record<string, CampaignRef>;
export const ALL_CAMPAIGNS: CampaignRef[] = Object.values(CAMPAIGNS);

export async function seedMarketFixture(db: SqlDatabase): Promise<void> {
  await db.exec(`
    insert into public.industries (name) values ('Schilder'), ('Warmtepomp');
    insert into public.lead_segments (code, branch, region, name) values
      ('schilder-utrecht', 'schilder', 'utrecht', 'Schilder · Utrecht'),
      ('warmtepomp-utrecht', 'warmtepomp', 'utrecht', 'Warmtepomp · Utrecht'),
      ('schilder-zeeland', 'schilder', 'zeeland', 'Schilder · Zeeland');
    insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id)
    select id, '${ACCOUNT}', case code when 'schilder-utrecht' then '101' when 'warmtepomp-utrecht' then '102' else '103' end
      from public.lead_segments;
    insert into public.partners (id, company_name, daily_lead_capacity) values
      ('00000000-0000-4000-8000-000000000001', 'Jansen Schilderwerken', 50),
      ('00000000-0000-4000-8000-000000000002', 'Visser Klimaattechniek', 10),
      ('00000000-0000-4000-8000-000000000003', 'De Wit Verf & Afwerking', 1);
    insert into public.partner_industries (partner_id, industry_id)
    select p.id, i.id from public.partners p join public.industries i
      on i.name = case when p.company_name like '%Klimaat%' then 'Warmtepomp' else 'Schilder' end;
    insert into public.partner_regions (partner_id, province) values
      ('00000000-0000-4000-8000-000000000001', 'utrecht'),
      ('00000000-0000-4000-8000-000000000002', 'utrecht'),
      ('00000000-0000-4000-8000-000000000003', 'zeeland');
  `);
}

/** Sets budgets in whole euros through the port, as the orchestrator would. */
export async function setBudgets(
  market: SimulatedMarket,
  euros: Readonly<Record<string, number>>,
): Promise<void> {
  const budgets = await market.currentBudgets(ALL_CAMPAIGNS);
  const changes = budgets
    .filter((b) => euros[b.campaignId] !== undefined)
    .map((b) => ({ ...b, segmentId: 'fixture', newAmountMicros: (euros[b.campaignId] ?? 0) * 1_000_000 }));
  const results = await market.applyBudgetChanges(ACCOUNT, changes, { validateOnly: false });
  if (results.some((r) => !r.ok)) throw new Error(`Fixture budgets refused: ${JSON.stringify(results)}`);
}

export interface LeadRow {
  id: string;
  branch: string | null;
  province: string | null;
  postcode: string | null;
  status: string;
  price: string | null;
  created_at: string;
  day: string;
}

export function leadRows(db: SqlDatabase): Promise<LeadRow[]> {
  return db.query<LeadRow>(`
    select l.id::text, lower(i.name) as branch, l.province, l.postcode, l.status, l.price_at_purchase::text as price,
           to_char(l.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at,
           to_char((l.created_at at time zone 'Europe/Amsterdam')::date, 'YYYY-MM-DD') as day
      from public.leads l left join public.industries i on i.id = l.industry_id
     order by l.created_at, l.id`);
}
