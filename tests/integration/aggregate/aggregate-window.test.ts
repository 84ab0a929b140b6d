import { describe, expect, it } from 'vitest';
import type { CampaignDailyMetrics } from '../../../shared/ads/ads-channel.port.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { aggregateWindow } from '../../../shared/pipeline/aggregate.repository.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  addSchilderUtrechtPartner,
  generatedByDay,
  insertLeads,
  readStats,
  seedSegments,
  withDatabase,
} from './aggregate-fixtures.ts';

const timeZone = 'Europe/Amsterdam';

function aggregate(db: SqlDatabase, from: string, to: string, metrics: readonly CampaignDailyMetrics[] = []) {
  return aggregateWindow(db, { from, to, timeZone, metrics });
}

describe.each(databaseLanes)('lfi_aggregate_window on $name', (lane) => {
  const open = () => lane.open();

  it('buckets leads by the Amsterdam business day, not the UTC day, on a winter day', () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt: '2026-01-14T22:59:59Z' }, // the 14th: outside the window
        { segment: 'schilder-utrecht', createdAt: '2026-01-14T23:00:00Z' }, // local midnight of the 15th
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T22:59:59Z' }, // the 15th's last second
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T23:00:00Z' }, // the 16th
        { segment: 'schilder-utrecht', createdAt: '2026-01-16T22:59:59Z' }, // the 16th
        { segment: 'schilder-utrecht', createdAt: '2026-01-16T23:00:00Z' }, // the 17th: outside
      ]);

      const counts = await aggregate(db, '2026-01-15', '2026-01-16');

      const generated = await generatedByDay(db);
      expect(generated['schilder-utrecht 2026-01-15']).toBe(2);
      expect(generated['schilder-utrecht 2026-01-16']).toBe(2);
      expect(generated['schilder-utrecht 2026-01-14']).toBeUndefined();
      expect(counts.leads_counted).toBe(4);
    }));

  it('gives the 23-hour day of 29 March and the 25-hour day of 25 October their own leads', () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await insertLeads(db, [
        // Winter time until 29 March 02:00 local: the 29th runs 28 Mar 23:00Z → 29 Mar 22:00Z.
        { segment: 'schilder-utrecht', createdAt: '2026-03-28T22:59:59Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-03-28T23:00:00Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-03-29T21:59:59Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-03-29T22:00:00Z' },
        // Summer time until 25 October 03:00 local: the 25th runs 24 Oct 22:00Z → 25 Oct 23:00Z.
        { segment: 'schilder-utrecht', createdAt: '2026-10-24T21:59:59Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-10-24T22:00:00Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-10-25T22:59:59Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-10-25T23:00:00Z' },
      ]);

      await aggregate(db, '2026-03-28', '2026-03-30');
      await aggregate(db, '2026-10-24', '2026-10-26');

      const generated = await generatedByDay(db);
      expect(generated['schilder-utrecht 2026-03-28']).toBe(1);
      expect(generated['schilder-utrecht 2026-03-29']).toBe(2);
      expect(generated['schilder-utrecht 2026-03-30']).toBe(1);
      expect(generated['schilder-utrecht 2026-10-24']).toBe(1);
      expect(generated['schilder-utrecht 2026-10-25']).toBe(2);
      expect(generated['schilder-utrecht 2026-10-26']).toBe(1);
    }));

  it('counts accepted, rejected and pending leads and sums the revenue of accepted leads only', () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      const createdAt = '2026-01-15T10:00:00Z';
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt, status: 'accepted', price: '10.10' },
        { segment: 'schilder-utrecht', createdAt, status: 'accepted', price: '20.25' },
        { segment: 'schilder-utrecht', createdAt, status: 'rejected', price: '15.00' },
        { segment: 'schilder-utrecht', createdAt, status: 'new' },
        { segment: 'schilder-utrecht', createdAt, status: 'pending' },
        { segment: 'schilder-utrecht', createdAt, status: 'duplicate' },
      ]);

      await aggregate(db, '2026-01-15', '2026-01-15');

      const row = (await readStats(db))['schilder-utrecht 2026-01-15'];
      expect(row).toMatchObject({
        leads_generated: 6,
        leads_accepted: 2,
        leads_rejected: 1,
        leads_pending: 2,
        revenue: '30.35',
      });
    }));

  it('counts a status that changed after a run at the next run', () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T10:00:00Z', status: 'pending', price: '12.00' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T11:00:00Z', status: 'pending', price: '12.00' },
      ]);
      await aggregate(db, '2026-01-15', '2026-01-15');
      expect((await readStats(db))['schilder-utrecht 2026-01-15']).toMatchObject({
        leads_pending: 2,
        leads_accepted: 0,
        revenue: '0.00',
      });

      await db.exec(`update public.leads set status = 'accepted' where created_at = '2026-01-15T10:00:00Z'`);
      await db.exec(`update public.leads set status = 'rejected' where created_at = '2026-01-15T11:00:00Z'`);
      await aggregate(db, '2026-01-15', '2026-01-15');

      expect((await readStats(db))['schilder-utrecht 2026-01-15']).toMatchObject({
        leads_pending: 0,
        leads_accepted: 1,
        leads_rejected: 1,
        revenue: '12.00',
      });
    }));

  it('counts all 1,500 leads of a segment day (no 1,000-row cap)', () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await db.exec(`
        insert into public.leads (industry_id, province, segment_id, status, created_at)
        select i.id, s.region, s.id, case when n % 3 = 0 then 'accepted' else 'new' end,
               timestamptz '2026-01-14T23:00:00Z' + n * interval '57 seconds'
          from generate_series(0, 1499) as n
          join public.lead_segments s on s.code = 'schilder-utrecht'
          join public.industries i on lower(btrim(i.name)) = s.branch`);

      const counts = await aggregate(db, '2026-01-15', '2026-01-15');

      expect((await readStats(db))['schilder-utrecht 2026-01-15']).toMatchObject({
        leads_generated: 1500,
        leads_accepted: 500,
        leads_pending: 1000,
      });
      expect(counts.leads_counted).toBe(1500);
    }));

  it('maps ad cost to segments through active campaign mappings, summing micros exactly', () =>
    withDatabase(open, async (db) => {
      const segments = await seedSegments(db);
      await db.query(
        `insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id, is_active) values
           ($1, '1111111111', '101', true), ($1, '1111111111', '102', true),
           ($2, '1111111111', '201', false)`,
        [segments['schilder-utrecht'], segments['schilder-zeeland']],
      );
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T09:00:00Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T10:00:00Z' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T11:00:00Z' },
      ]);
      const day = (campaignId: string, costMicros: number, clicks: number, conversions: number) => ({
        customerId: '1111111111',
        campaignId,
        date: '2026-01-15',
        costMicros,
        clicks,
        conversions,
      });
      // 1.004 + 1.004 = 2.008 → 2.01; rounding each campaign first would give 2.00.
      const metrics = [
        day('101', 1_004_000, 7, 1.5),
        day('102', 1_004_000, 5, 1),
        day('201', 9_000_000, 9, 2),
      ];
      metrics.push(day('999', 3_000_000, 4, 0)); // no mapping at all

      const counts = await aggregate(db, '2026-01-15', '2026-01-15', metrics);

      expect(counts.ad_rows).toBe(4);
      const stats = await readStats(db);
      expect(stats['schilder-utrecht 2026-01-15']).toMatchObject({
        google_ads_spend: '2.01',
        google_ads_clicks: 12,
        google_ads_conversions: '2.50',
        avg_cpl: '0.67',
      });
      expect(stats['schilder-zeeland 2026-01-15']).toMatchObject({
        google_ads_spend: '0.00',
        google_ads_clicks: 0,
        avg_cpl: null,
      });
      const stored = await db.query<{ campaign_id: string; cost_micros: string }>(
        'select campaign_id, cost_micros from public.ads_campaign_daily_metrics order by campaign_id',
      );
      expect(stored).toEqual([
        { campaign_id: '101', cost_micros: '1004000' },
        { campaign_id: '102', cost_micros: '1004000' },
        { campaign_id: '201', cost_micros: '9000000' },
        { campaign_id: '999', cost_micros: '3000000' },
      ]);

      // The report restates the day's cost: the next run overwrites it.
      await aggregate(db, '2026-01-15', '2026-01-15', [day('101', 4_500_000, 9, 2)]);
      expect((await readStats(db))['schilder-utrecht 2026-01-15']).toMatchObject({
        google_ads_spend: '5.50',
        google_ads_clicks: 14,
        avg_cpl: '1.83',
      });
    }));

  it("splits a partner's daily capacity evenly over the active segments it serves", () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      // "wide" serves schilder and dakdekker in utrecht and zeeland: 3 active segments (dakdekker-zeeland
      // is inactive); "narrow" only schilder-utrecht; "gone" is inactive; "other" serves a branch no segment has.
      await db.exec(`
        insert into public.partners (company_name, is_active, daily_lead_capacity) values
          ('wide', true, 10), ('narrow', true, 6), ('gone', false, 50), ('other', true, 7);
        insert into public.partner_industries (partner_id, industry_id)
        select p.id, i.id from public.partners p join public.industries i
            on (p.company_name = 'wide' and i.name in (' Schilder ', 'Dakdekker'))
            or (p.company_name in ('narrow', 'gone') and i.name = ' Schilder ')
            or (p.company_name = 'other' and i.name = 'Hovenier');
        insert into public.partner_regions (partner_id, province)
        select p.id, r.code from public.partners p join public.lfi_regions r
            on (p.company_name = 'wide' and r.code in ('utrecht', 'zeeland'))
            or (p.company_name in ('narrow', 'gone', 'other') and r.code = 'utrecht');
      `);
      await insertLeads(db, [
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T09:00:00Z', status: 'accepted', price: '9.00' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T09:10:00Z', status: 'accepted', price: '9.00' },
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T09:20:00Z', status: 'accepted', price: '9.00' },
        ...Array.from({ length: 5 }, (_, i) => ({
          segment: 'dakdekker-utrecht' as const,
          createdAt: `2026-01-15T1${i}:00:00Z`,
          status: 'accepted',
          price: '9.00',
        })),
      ]);

      await aggregate(db, '2026-01-15', '2026-01-15');

      const stats = await readStats(db);
      const utrecht = stats['schilder-utrecht 2026-01-15'];
      const zeeland = stats['schilder-zeeland 2026-01-15'];
      const dakdekker = stats['dakdekker-utrecht 2026-01-15'];
      if (!utrecht || !zeeland || !dakdekker) throw new Error('a segment has no stats row');
      expect([utrecht.capacity_partners, zeeland.capacity_partners, dakdekker.capacity_partners]).toEqual([
        2, 1, 1,
      ]);
      // "wide"'s 10 leads in 3 shares of whole cents that add up to exactly 10: 3.34 + 3.33 + 3.33.
      const wideShares = [Number(utrecht.capacity_total_leads) - 6, Number(zeeland.capacity_total_leads)];
      wideShares.push(Number(dakdekker.capacity_total_leads));
      expect(wideShares.map((share) => Math.round(share * 100)).sort()).toEqual([333, 333, 334]);
      const total = [utrecht, zeeland, dakdekker].reduce(
        (sum, row) => sum + Math.round(Number(row.capacity_total_leads) * 100),
        0,
      );
      expect(total).toBe(1600);
      // 3 accepted of ~9.33 capacity; 5 accepted of ~3.33 is over capacity, so utilization is capped at 1.
      expect(utrecht.capacity_utilization).toBe((3 / Number(utrecht.capacity_total_leads)).toFixed(4));
      expect(dakdekker.capacity_utilization).toBe('1.0000');
      expect(zeeland.capacity_utilization).toBe('0.0000');
    }));

  it("keeps a day's capacity when it is aggregated again after a partner change; a new day gets the new one", () =>
    withDatabase(open, async (db) => {
      await seedSegments(db);
      await addSchilderUtrechtPartner(db, 'first', 10);
      await insertLeads(db, [
        ...Array.from({ length: 4 }, (_, i) => ({
          segment: 'schilder-utrecht' as const,
          createdAt: `2026-01-15T1${i}:00:00Z`,
          status: 'accepted',
          price: '9.00',
        })),
        { segment: 'schilder-utrecht', createdAt: '2026-01-15T15:00:00Z', status: 'pending' },
      ]);
      await aggregate(db, '2026-01-15', '2026-01-15');
      expect((await readStats(db))['schilder-utrecht 2026-01-15']).toMatchObject({
        capacity_partners: 1,
        capacity_total_leads: '10.00',
        capacity_utilization: '0.4000',
      });

      // A day later: the first partner halves its capacity, a second one joins, and a late verdict comes in.
      await db.exec(`update public.partners set daily_lead_capacity = 5 where company_name = 'first'`);
      await addSchilderUtrechtPartner(db, 'second', 20);
      await db.exec(`update public.leads set status = 'accepted' where status = 'pending'`);
      await aggregate(db, '2026-01-15', '2026-01-16');

      const stats = await readStats(db);
      // The day keeps the capacity it had; its utilization is the new accepted count over it.
      expect(stats['schilder-utrecht 2026-01-15']).toMatchObject({
        leads_accepted: 5,
        capacity_partners: 1,
        capacity_total_leads: '10.00',
        capacity_utilization: '0.5000',
      });
      expect(stats['schilder-utrecht 2026-01-16']).toMatchObject({
        capacity_partners: 2,
        capacity_total_leads: '25.00',
        capacity_utilization: '0.0000',
      });
    }));

  it("stores the report's budget and budget-lost impression share, and sums them per segment and day", () =>
    withDatabase(open, async (db) => {
      const segments = await seedSegments(db);
      await db.query(
        `insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id, is_active) values
           ($1, '1111111111', '101', true), ($1, '1111111111', '102', true), ($1, '1111111111', '103', true),
           ($2, '1111111111', '201', false), ($2, '1111111111', '202', true),
           ($3, '1111111111', '301', true)`,
        [segments['schilder-utrecht'], segments['schilder-zeeland'], segments['dakdekker-utrecht']],
      );
      const day = (campaignId: string, extra: Partial<CampaignDailyMetrics> = {}): CampaignDailyMetrics => ({
        customerId: '1111111111',
        campaignId,
        date: '2026-01-15',
        costMicros: 1_000_000,
        clicks: 1,
        conversions: 0,
        ...extra,
      });
      const metrics = [
        day('101', { budgetMicros: 30_000_000, searchBudgetLostImpressionShare: 0.25 }),
        day('102', { budgetMicros: 10_000_000, searchBudgetLostImpressionShare: 0.05004 }),
        day('103', { budgetMicros: 5_000_000 }), // a budget, no share: counts in the budget only
        day('201', { budgetMicros: 9_000_000, searchBudgetLostImpressionShare: 0.5 }), // mapping inactive
        day('202', { budgetMicros: 0, searchBudgetLostImpressionShare: 1 }),
        day('301'), // reports neither
      ];

      await aggregate(db, '2026-01-15', '2026-01-15', metrics);

      const stored = await db.query(
        `select campaign_id, budget_micros, search_budget_lost_impression_share::text as lost
           from public.ads_campaign_daily_metrics order by campaign_id`,
      );
      expect(stored).toEqual([
        { campaign_id: '101', budget_micros: '30000000', lost: '0.2500' },
        { campaign_id: '102', budget_micros: '10000000', lost: '0.0500' },
        { campaign_id: '103', budget_micros: '5000000', lost: null },
        { campaign_id: '201', budget_micros: '9000000', lost: '0.5000' },
        { campaign_id: '202', budget_micros: '0', lost: '1.0000' },
        { campaign_id: '301', budget_micros: null, lost: null },
      ]);
      const stats = await readStats(db);
      // (0.25 × €30 + 0.05 × €10) / €40: weighted by the budgets of the campaigns that reported a share.
      expect(stats['schilder-utrecht 2026-01-15']).toMatchObject({
        google_ads_budget: '45.00',
        google_ads_budget_lost_impression_share: '0.2000',
      });
      // Only budgets of 0 reported with a share: their plain average.
      expect(stats['schilder-zeeland 2026-01-15']).toMatchObject({
        google_ads_budget: '0.00',
        google_ads_budget_lost_impression_share: '1.0000',
      });
      expect(stats['dakdekker-utrecht 2026-01-15']).toMatchObject({
        google_ads_budget: null,
        google_ads_budget_lost_impression_share: null,
      });

      // Recomputed on every run, like cost. The share is restated; the budget stays as first reported
      // (Google gives today's budget for every day of the window), unless none was reported before.
      await aggregate(db, '2026-01-15', '2026-01-15', [
        day('101'),
        day('102', { budgetMicros: 50_000_000, searchBudgetLostImpressionShare: 0.65 }),
        day('301', { budgetMicros: 20_000_000 }),
      ]);
      const restated = await readStats(db);
      // (0.25 × €30 + 0.65 × €10) / €40
      expect(restated['schilder-utrecht 2026-01-15']).toMatchObject({
        google_ads_budget: '45.00',
        google_ads_budget_lost_impression_share: '0.3500',
      });
      expect(restated['dakdekker-utrecht 2026-01-15']).toMatchObject({
        google_ads_budget: '20.00',
        google_ads_budget_lost_impression_share: null,
      });
    }));

  it('gives every active segment a row for every day, zero where nothing happened, and inactive segments none', () =>
    withDatabase(open, async (db) => {
      const segments = await seedSegments(db);
      await insertLeads(db, [{ segment: 'schilder-utrecht', createdAt: '2026-01-16T12:00:00Z' }]);
      // A lead in a branch without segments stays unsegmented.
      await db.exec(`
        insert into public.leads (industry_id, province, status, created_at)
        select id, 'utrecht', 'new', '2026-01-16T12:00:00Z' from public.industries where name = 'Hovenier'`);

      const counts = await aggregate(db, '2026-01-15', '2026-01-17');

      const stats = await readStats(db);
      expect(Object.keys(stats)).toEqual([
        'dakdekker-utrecht 2026-01-15',
        'dakdekker-utrecht 2026-01-16',
        'dakdekker-utrecht 2026-01-17',
        'schilder-utrecht 2026-01-15',
        'schilder-utrecht 2026-01-16',
        'schilder-utrecht 2026-01-17',
        'schilder-zeeland 2026-01-15',
        'schilder-zeeland 2026-01-16',
        'schilder-zeeland 2026-01-17',
      ]);
      expect(stats['schilder-zeeland 2026-01-16']).toMatchObject({
        leads_generated: 0,
        revenue: '0.00',
        google_ads_spend: '0.00',
        avg_cpl: null,
        google_ads_budget: null,
        google_ads_budget_lost_impression_share: null,
        capacity_total_leads: '0.00',
        capacity_utilization: null,
      });
      expect(counts).toEqual({
        from: '2026-01-15',
        to: '2026-01-17',
        segments: 3,
        days: 3,
        rows_upserted: 9,
        leads_counted: 1,
        unsegmented_leads: 1,
        ad_rows: 0,
      });

      // Deactivating a segment stops its rows; the rows it already has stay as they were.
      await db.query('update public.lead_segments set is_active = false where id = $1', [
        segments['schilder-zeeland'],
      ]);
      await aggregate(db, '2026-01-15', '2026-01-18');
      const after = Object.keys(await readStats(db));
      expect(after.filter((key) => key.startsWith('schilder-zeeland'))).toHaveLength(3);
      expect(after).not.toContain('schilder-zeeland 2026-01-18');
      expect(after).toContain('schilder-utrecht 2026-01-18');
    }));

  it('leaves the same rows when the same window is aggregated again', () =>
    withDatabase(open, async (db) => {
      const segments = await seedSegments(db);
      await db.query(
        `insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id) values ($1, '1111111111', '101')`,
        [segments['schilder-utrecht']],
      );
      await insertLeads(db, [
        {
          segment: 'schilder-utrecht',
          createdAt: '2026-01-15T09:00:00Z',
          status: 'accepted',
          price: '11.00',
        },
        { segment: 'dakdekker-utrecht', createdAt: '2026-01-16T09:00:00Z', status: 'rejected' },
      ]);
      const metrics = [
        {
          customerId: '1111111111',
          campaignId: '101',
          date: '2026-01-15',
          costMicros: 2_500_000,
          clicks: 3,
          conversions: 1,
        },
      ];

      const first = await aggregate(db, '2026-01-15', '2026-01-16', metrics);
      const before = await readStats(db);
      const second = await aggregate(db, '2026-01-15', '2026-01-16', metrics);

      expect(second).toEqual(first);
      expect(await readStats(db)).toEqual(before);
    }));

  it('rejects an inverted window, a window longer than 92 days and an unknown time zone', () =>
    withDatabase(open, async (db) => {
      await expect(aggregate(db, '2026-01-16', '2026-01-15')).rejects.toThrow(/is after p_to/);
      await expect(aggregate(db, '2026-01-01', '2026-04-03')).rejects.toThrow(/93 days; at most 92/);
      await expect(
        aggregateWindow(db, {
          from: '2026-01-15',
          to: '2026-01-15',
          timeZone: 'Europe/Atlantis',
          metrics: [],
        }),
      ).rejects.toThrow(/unknown time zone "Europe\/Atlantis"/);
      expect(await db.query('select 1 from public.lead_generation_stats')).toEqual([]);
    }));

  it('is not executable by the API roles', () =>
    withDatabase(open, async (db) => {
      const rows = await db.query<{ role: string; allowed: boolean }>(
        `select r.role, has_function_privilege(r.role, 'public.lfi_aggregate_window(date, date, text, jsonb)', 'execute') as allowed
           from unnest(array['anon', 'authenticated']) as r(role)`,
      );
      expect(rows).toEqual([
        { role: 'anon', allowed: false },
        { role: 'authenticated', allowed: false },
      ]);
    }));
});
