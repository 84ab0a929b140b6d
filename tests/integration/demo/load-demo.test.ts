import { describe, expect, it } from 'vitest';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { buildDemoData, capacityBySegment } from '../../../shared/demo/demo-data.ts';
import { describeDemo, loadDemo } from '../../../shared/demo/load-demo.ts';
import { aggregateWindow } from '../../../shared/pipeline/aggregate.repository.ts';
import { databaseLanes } from '../../support/databases.ts';

const today = '2026-11-25';

/** What two loads must agree on: leads and statuses per segment and day, spend and clicks per campaign. */
async function aggregates(db: SqlDatabase) {
  const leads = await db.query(`
    select lower(i.name) as branch, l.province,
           to_char((l.created_at at time zone 'Europe/Amsterdam')::date, 'YYYY-MM-DD') as day,
           count(*)::int as leads, count(*) filter (where l.status = 'accepted')::int as accepted,
           coalesce(sum(l.price_at_purchase), 0)::text as revenue
      from public.leads l left join public.industries i on i.id = l.industry_id
     group by 1, 2, 3 order by 1, 2, 3`);
  const ads = await db.query(`
    select customer_id, campaign_id, sum(cost_micros)::text as cost, sum(clicks)::int as clicks,
           sum(conversions)::int as conversions
      from public.lfi_sim_campaign_days group by 1, 2 order by 1, 2`);
  return { leads, ads };
}

describe.each(databaseLanes)('the demo data on $name', (lane) => {
  it('loads segments, partners, campaigns and days of history once, and refuses a second load', async () => {
    const db = await lane.open();
    try {
      const result = await loadDemo(db, createSimulatedMarket(db, { seed: 42 }), {
        days: 3,
        seed: 42,
        today,
      });
      if (!result.loaded) throw new Error(result.reason);
      expect(result.summary).toMatchObject({
        segments: 60,
        partners: 150,
        days: 3,
        from: '2026-11-22',
        to: '2026-11-24',
      });
      expect(result.summary.campaigns).toBe(result.summary.activeSegments);
      expect(result.summary.leads).toBeGreaterThan(3 * 200);
      expect(describeDemo(result)).toContain('60 segments');

      const days = await db.query<{ day: string }>(
        `select distinct to_char((created_at at time zone 'Europe/Amsterdam')::date, 'YYYY-MM-DD') as day from public.leads order by 1`,
      );
      expect(days.map((d) => d.day)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
      const zeroBudget = await db.query(`select from public.lfi_sim_campaigns where budget_micros = 0`);
      expect(zeroBudget).toHaveLength(1);

      const before = await aggregates(db);
      const again = await loadDemo(db, createSimulatedMarket(db, { seed: 42 }), { days: 3, seed: 42, today });
      expect(again).toEqual({ loaded: false, reason: expect.stringContaining('already loaded') });
      expect(await aggregates(db)).toEqual(before);
    } finally {
      await db.close();
    }
  });

  it("sizes its starting budgets on the platform's capacity: each partner's split over the segments it serves", async () => {
    const db = await lane.open();
    try {
      await loadDemo(db, createSimulatedMarket(db, { seed: 42 }), { days: 1, seed: 42, today });
      await aggregateWindow(db, {
        from: '2026-11-24',
        to: '2026-11-24',
        timeZone: 'Europe/Amsterdam',
        metrics: [],
      });
      const recorded = await db.query<{ code: string; capacity: number; partners: number }>(
        `select s.code, st.capacity_total_leads::float8 as capacity, st.capacity_partners as partners
           from public.lead_generation_stats st join public.lead_segments s on s.id = st.segment_id
          where st.date = '2026-11-24' and s.is_active`,
      );
      const data = buildDemoData(42);
      const demo = capacityBySegment(data.partners, data.segments);
      expect(recorded.length).toBe(data.segments.filter((s) => s.isActive).length);
      for (const { code, capacity, partners } of recorded) {
        // The aggregate splits in whole cents: each partner's share is within a cent of an even split.
        expect(Math.abs(capacity - (demo.get(code) ?? 0)), code).toBeLessThanOrEqual(0.01 * partners + 1e-9);
      }
    } finally {
      await db.close();
    }
  });

  it('refuses a database that already holds leads, and changes nothing', async () => {
    const db = await lane.open();
    try {
      await db.exec(`insert into public.leads (province, postcode) values ('Utrecht', '3511 AB')`);
      const result = await loadDemo(db, createSimulatedMarket(db, { seed: 42 }), {
        days: 2,
        seed: 42,
        today,
      });
      expect(result).toEqual({ loaded: false, reason: expect.stringContaining('empty database') });
      expect(await db.query('select from public.lead_segments')).toHaveLength(0);
      expect(await db.query('select from public.partners')).toHaveLength(0);
    } finally {
      await db.close();
    }
  });

  it('gives identical data for the same seed in two fresh databases, and other data for another seed', async () => {
    const loads = [];
    for (const seed of [42, 42, 43]) {
      const db = await lane.open();
      try {
        await loadDemo(db, createSimulatedMarket(db, { seed }), { days: 2, seed, today });
        loads.push(await aggregates(db));
      } finally {
        await db.close();
      }
    }
    const [first, second, other] = loads;
    expect(first?.leads.length).toBeGreaterThan(50);
    expect(second).toEqual(first);
    expect(other?.leads).not.toEqual(first?.leads);
    expect(other?.ads).not.toEqual(first?.ads);
  });
});
