import { describe, expect, it } from 'vitest';
import { MAX_OVERDELIVERY } from '../../../shared/ads/simulated-economics.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  ACCOUNT,
  ALL_CAMPAIGNS,
  CAMPAIGNS,
  leadRows,
  OTHER_ACCOUNT,
  seedMarketFixture,
  setBudgets,
} from './market-fixture.ts';

describe.each(databaseLanes)('the simulated ads market on $name', (lane) => {
  async function openMarket(seed: number, options: { failCampaigns?: Set<string> } = {}) {
    const db = await lane.open();
    await seedMarketFixture(db);
    return { db, market: createSimulatedMarket(db, { seed, ...options }) };
  }

  it('produces the same reports and leads for a seed whatever the call order, and others for another seed', async () => {
    const runs = [];
    for (const [seed, dayByDay] of [
      [7, false],
      [7, true],
      [8, false],
    ] as const) {
      const { db, market } = await openMarket(seed);
      try {
        await setBudgets(market, { '101': 150, '102': 300, '103': 40 });
        await market.advanceTo('2026-05-04');
        if (dayByDay) for (const day of ['05', '06', '07', '08']) await market.advanceTo(`2026-05-${day}`);
        else await market.advanceTo('2026-05-08');
        runs.push({
          metrics: await market.dailyMetrics(ALL_CAMPAIGNS, '2026-05-04', '2026-05-08'),
          leads: await leadRows(db),
        });
      } finally {
        await db.close();
      }
    }
    const [first, second, otherSeed] = runs;
    expect(first?.metrics).toHaveLength(15);
    expect(first?.leads.length).toBeGreaterThan(20);
    expect(second).toEqual(first);
    expect(otherSeed?.metrics).not.toEqual(first?.metrics);
    expect(otherSeed?.leads).not.toEqual(first?.leads);
  });

  it('keeps budgets in the database, so a new market instance sees them', async () => {
    const { db, market } = await openMarket(1);
    try {
      const before = await market.currentBudgets(ALL_CAMPAIGNS);
      expect(before.map((b) => b.amountMicros)).toEqual([0, 0, 0]);
      expect(before.every((b) => !b.shared && /^\d+$/.test(b.budgetId))).toBe(true);
      await setBudgets(market, { '101': 120 });
      const later = createSimulatedMarket(db, { seed: 1 });
      const after = await later.currentBudgets([CAMPAIGNS.painterUtrecht]);
      expect(after).toEqual([
        {
          ...CAMPAIGNS.painterUtrecht,
          budgetId: before[0]?.budgetId,
          amountMicros: 120_000_000,
          shared: false,
        },
      ]);
    } finally {
      await db.close();
    }
  });

  it('checks changes in validate-only mode without changing any budget', async () => {
    const { db, market } = await openMarket(1);
    try {
      const [budget] = await market.currentBudgets([CAMPAIGNS.painterUtrecht]);
      if (!budget) throw new Error('no budget');
      const change = { ...budget, segmentId: 's', newAmountMicros: 50_000_000 };
      const bad = { ...budget, segmentId: 's', newAmountMicros: 50_000_001 };
      const results = await market.applyBudgetChanges(ACCOUNT, [change, bad], { validateOnly: true });
      expect(results.map((r) => r.ok)).toEqual([true, false]);
      expect((await market.currentBudgets([CAMPAIGNS.painterUtrecht]))[0]?.amountMicros).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('reports each failing change on its own and applies the others (partial failure)', async () => {
    const { db, market } = await openMarket(1, { failCampaigns: new Set(['102']) });
    try {
      const budgets = await market.currentBudgets(ALL_CAMPAIGNS);
      const byId = new Map(budgets.map((b) => [b.campaignId, b]));
      const change = (campaignId: string, newAmountMicros: number, extra: object = {}) => ({
        customerId: ACCOUNT,
        campaignId,
        budgetId: byId.get(campaignId)?.budgetId ?? '1',
        segmentId: 's',
        newAmountMicros,
        ...extra,
      });
      const results = await market.applyBudgetChanges(
        ACCOUNT,
        [
          change('101', 80_000_000),
          change('102', 80_000_000), // made to fail by failCampaigns
          change('103', -10_000),
          change('103', 12_345),
          change('999', 10_000_000, { budgetId: '9999' }),
          change('103', 10_000_000, { budgetId: '123' }),
          change('103', 10_000_000, { customerId: OTHER_ACCOUNT }),
          change('103', 30_000_000),
        ],
        { validateOnly: false },
      );
      expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false, false, false, true]);
      for (const result of results) if (!result.ok) expect(result.error.length).toBeGreaterThan(10);
      const after = await market.currentBudgets(ALL_CAMPAIGNS);
      expect(after.map((b) => [b.campaignId, b.amountMicros])).toEqual([
        ['101', 80_000_000],
        ['102', 0],
        ['103', 30_000_000],
      ]);
      const otherAccount = await market.applyBudgetChanges(
        OTHER_ACCOUNT,
        [change('101', 10_000_000, { customerId: OTHER_ACCOUNT })],
        {
          validateOnly: false,
        },
      );
      expect(otherAccount[0]?.ok).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('spends within budget, buys no leads on a zero budget, and more leads with more budget', async () => {
    const days = ['2026-06-01', '2026-06-07'] as const;
    const small = await openMarket(3);
    const large = await openMarket(3);
    try {
      await setBudgets(small.market, { '101': 60, '102': 100, '103': 0 });
      await setBudgets(large.market, { '101': 240, '102': 400 });
      // In the large market the Zeeland campaign does not run at all: only organic leads come there.
      await large.db.exec(
        `update public.lead_segment_campaigns set is_active = false where campaign_id = '103'`,
      );
      const reports = [];
      for (const { market } of [small, large]) {
        await market.advanceTo(days[0]);
        reports.push(await market.dailyMetrics(ALL_CAMPAIGNS, days[0], days[1]));
      }
      const [smallReport = [], largeReport = []] = reports;
      const budgetOf = { '101': 60e6, '102': 100e6, '103': 0 } as Record<string, number>;
      for (const row of smallReport) {
        expect(row.costMicros).toBeLessThanOrEqual((budgetOf[row.campaignId] ?? 0) * MAX_OVERDELIVERY);
      }
      const zeroBudget = smallReport.filter((r) => r.campaignId === '103');
      expect(zeroBudget).toHaveLength(7);
      expect(zeroBudget.every((r) => r.costMicros === 0 && r.clicks === 0 && r.conversions === 0)).toBe(true);
      const zeeland = async (db: typeof small.db) =>
        (await leadRows(db)).filter((l) => l.province === 'Zeeland').length;
      expect(await zeeland(small.db)).toBe(await zeeland(large.db));

      const leadsOf = (report: typeof smallReport, id: string) =>
        report.filter((r) => r.campaignId === id).reduce((sum, r) => sum + r.conversions, 0);
      expect(leadsOf(largeReport, '101')).toBeGreaterThan(leadsOf(smallReport, '101'));
      expect(leadsOf(largeReport, '102')).toBeGreaterThan(leadsOf(smallReport, '102'));
      const paid = smallReport.reduce((sum, r) => sum + r.conversions, 0);
      const organic = (await leadRows(small.db)).length - paid;
      expect(organic).toBeGreaterThan(0);
      // Organic leads reach every segment of the fixture, paid ones only the three with campaigns.
      expect(organic).toBeLessThan(paid);
    } finally {
      await small.db.close();
      await large.db.close();
    }
  });

  it.each([
    ['2026-03-29', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
    ['2026-10-25', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z'],
  ])('creates the leads of %s inside that Amsterdam business day (DST)', async (date, start, end) => {
    const { db, market } = await openMarket(5);
    try {
      // Both dates are Sundays, the quietest day of the week: budgets big enough for a sample.
      await setBudgets(market, { '101': 900, '102': 900, '103': 400 });
      const result = await market.advanceTo(date);
      expect(result.simulatedDates).toEqual([date]);
      const leads = await leadRows(db);
      expect(leads.length).toBe(result.leadsCreated);
      expect(leads.length).toBeGreaterThan(20);
      for (const lead of leads) {
        expect(lead.created_at >= start && lead.created_at < end).toBe(true);
        expect(lead.day).toBe(date);
        expect(lead.postcode).toMatch(/^\d{4} [A-Z]{2}$/);
      }
      // The intraday curve: most leads in the daytime, few at night.
      const hours = leads.map((l) => new Date(l.created_at).getTime() - new Date(start).getTime());
      const daytime = hours.filter((ms) => ms >= 8 * 3_600_000 && ms < 22 * 3_600_000).length;
      expect(daytime / leads.length).toBeGreaterThan(0.7);
    } finally {
      await db.close();
    }
  });

  it('lets partners accept or reject leads over the next three days, fewer where leads exceed capacity', async () => {
    const { db, market } = await openMarket(11);
    try {
      await setBudgets(market, { '101': 150, '102': 200, '103': 250 });
      const first = await market.advanceTo('2026-09-07');
      expect(first.leadsDecided).toBe(0);
      const ofFirstDay = async () => (await leadRows(db)).filter((l) => l.day === '2026-09-07');
      expect((await ofFirstDay()).every((l) => l.status === 'new')).toBe(true);

      await market.advanceTo('2026-09-08');
      const afterOneDay = await ofFirstDay();
      expect(afterOneDay.some((l) => l.status !== 'new')).toBe(true);
      expect(afterOneDay.some((l) => l.status === 'new')).toBe(true);

      await market.advanceTo('2026-09-10');
      const decided = await ofFirstDay();
      expect(decided.every((l) => l.status === 'accepted' || l.status === 'rejected')).toBe(true);
      for (const lead of decided) {
        if (lead.status === 'accepted') expect(Number(lead.price)).toBeGreaterThan(0);
        else expect(lead.price).toBeNull();
      }
      const acceptance = (province: string) => {
        const leads = decided.filter((l) => l.province === province && l.branch === 'schilder');
        return leads.filter((l) => l.status === 'accepted').length / leads.length;
      };
      expect(acceptance('Utrecht')).toBeGreaterThan(0.75);
      expect(acceptance('Zeeland')).toBeLessThan(0.4);
    } finally {
      await db.close();
    }
  });

  it("reports each day's budget in force and the share of searches lost to it", async () => {
    const { db, market } = await openMarket(4);
    try {
      // Painters in Utrecht on a tight budget; heat pumps with far more budget than searches; none in Zeeland.
      await setBudgets(market, { '101': 60, '102': 9000, '103': 0 });
      await market.dailyMetrics(ALL_CAMPAIGNS, '2026-06-01', '2026-06-02');
      await setBudgets(market, { '101': 90 });

      const report = await market.dailyMetrics(ALL_CAMPAIGNS, '2026-06-01', '2026-06-04');

      const of = (campaignId: string) => report.filter((row) => row.campaignId === campaignId);
      expect(of('101').map((row) => row.budgetMicros)).toEqual([60e6, 60e6, 90e6, 90e6]);
      for (const row of of('101')) {
        expect(row.searchBudgetLostImpressionShare).toBeGreaterThan(0.5);
        expect(row.searchBudgetLostImpressionShare).toBeLessThan(1);
      }
      // Budget lost less once it grew.
      const lost = of('101').map((row) => row.searchBudgetLostImpressionShare ?? 1);
      expect(Math.max(...lost.slice(2))).toBeLessThan(Math.min(...lost.slice(0, 2)));
      for (const row of of('102')) {
        expect(row.costMicros).toBeLessThan(0.9 * 9000e6); // demand ran out long before the budget
        expect(row).toMatchObject({ budgetMicros: 9000e6, searchBudgetLostImpressionShare: 0 });
      }
      for (const row of of('103'))
        expect(row).toMatchObject({ budgetMicros: 0, searchBudgetLostImpressionShare: 1 });
      expect(
        await db.query(
          `select count(*)::int as n from public.lfi_sim_campaign_days where search_budget_lost_impression_share is null`,
        ),
      ).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  });

  it('observes the days it reports, and simulates each day only once', async () => {
    const { db, market } = await openMarket(2);
    try {
      await setBudgets(market, { '101': 100, '102': 100, '103': 100 });
      const report = await market.dailyMetrics([CAMPAIGNS.painterUtrecht], '2026-02-02', '2026-02-04');
      expect(report.map((r) => r.date)).toEqual(['2026-02-02', '2026-02-03', '2026-02-04']);
      const leads = (await leadRows(db)).length;
      const again = await market.advanceTo('2026-02-04');
      expect(again).toMatchObject({ simulatedDates: [], lastDate: '2026-02-04' });
      const later = createSimulatedMarket(db, { seed: 2 });
      expect(await later.dailyMetrics([CAMPAIGNS.painterUtrecht], '2026-02-02', '2026-02-04')).toEqual(
        report,
      );
      expect((await leadRows(db)).length).toBe(leads);
    } finally {
      await db.close();
    }
  });
});
