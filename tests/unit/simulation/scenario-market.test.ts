import { describe, expect, it } from 'vitest';
import type { BudgetChange } from '../../../shared/ads/ads-channel.port.ts';
import { dayStartUtc } from '../../../shared/domain/business-day.ts';
import { parseScenario, type ScenarioInput } from '../../../shared/simulation/scenario.schema.ts';
import { createScenarioMarket, type ScenarioMarket } from '../../../shared/simulation/scenario-market.ts';
import type { ScenarioWorldRepository } from '../../../shared/simulation/scenario-world.repository.ts';
import { buildWorld } from '../../../shared/simulation/scenario-world.ts';

type RecordedDay = Parameters<ScenarioWorldRepository['recordDay']>[0];

/** The market's database side, kept in memory: what it was asked to write, day by day. */
function recordingRepository(): ScenarioWorldRepository & { days: RecordedDay[] } {
  const days: RecordedDay[] = [];
  return {
    days,
    async create() {},
    async recordDay(day) {
      days.push(day);
    },
    async readOutcomes() {
      return { plans: [], decisions: [] };
    },
  };
}

const painters = {
  branch: 'schilder',
  region: 'utrecht' as const,
  costPerLeadEuros: 12,
  response: { referenceLeadsPerDay: 8 },
  demandCeilingLeadsPerDay: 20,
  leadStatus: { pricePerAcceptedLeadEuros: 20, minLagDays: 1, maxLagDays: 2 },
  partners: [{ capacityPerDay: 10 }, { capacityPerDay: 4, fromDay: 3 }, { capacityPerDay: 3, untilDay: 5 }],
  startBudgetEuros: 100,
};

function marketFor(
  changes: Partial<ScenarioInput> & { segments?: ScenarioInput['segments'] } = {},
  seed?: number,
): { market: ScenarioMarket; repository: ReturnType<typeof recordingRepository> } {
  const scenario = parseScenario(
    {
      name: 'unit',
      description: 'A market for unit tests.',
      days: 10,
      segments: [painters, { ...painters, branch: 'verhuizer', costPerLeadEuros: 5, startBudgetEuros: 40 }],
      ...changes,
    },
    'unit',
  );
  const repository = recordingRepository();
  const world = buildWorld(scenario, seed === undefined ? {} : { seed });
  return { market: createScenarioMarket(world, repository), repository };
}

const campaignsOf = (market: ScenarioMarket) =>
  market.world.segments.map((s) => ({ customerId: s.customerId, campaignId: s.campaignId }));

async function simulate(market: ScenarioMarket, days: number): Promise<void> {
  for (let day = 0; day < days; day++) await market.simulateDay(day);
}

describe('the scenario market', () => {
  it('reports only the days simulated so far and simulates them in order', async () => {
    const { market } = marketFor();
    await simulate(market, 3);

    const rows = await market.dailyMetrics(campaignsOf(market), '2027-01-01', '2027-01-31');

    expect([...new Set(rows.map((r) => r.date))]).toEqual(['2027-01-04', '2027-01-05', '2027-01-06']);
    await expect(market.simulateDay(4)).rejects.toThrow(/day 4 asked, day 3 is next/);
    await expect(market.simulateDay(2)).rejects.toThrow(/day 2 asked, day 3 is next/);
  });

  it('reports cost, clicks, conversions, the budget in force and the lost impression share per campaign and day', async () => {
    const { market } = marketFor();
    await simulate(market, 1);

    const [row] = await market.dailyMetrics(campaignsOf(market).slice(0, 1), '2027-01-04', '2027-01-04');

    expect(row).toMatchObject({ date: '2027-01-04', budgetMicros: 100_000_000 });
    expect(row?.costMicros).toBeGreaterThan(90_000_000);
    expect(row?.costMicros).toBeLessThanOrEqual(100_000_000);
    expect(row?.conversions).toBe(market.history()[0]?.[0]?.realizedLeads);
    expect(row?.clicks).toBeGreaterThanOrEqual(row?.conversions ?? 0);
    expect(row?.searchBudgetLostImpressionShare).toBeGreaterThan(0);
  });

  it('leaves a missing-cost day out of the report, and shows late cost once it arrives', async () => {
    const { market } = marketFor({
      segments: [
        {
          ...painters,
          shocks: [
            { kind: 'missingCostData', day: 1, days: 1 },
            { kind: 'missingCostData', day: 2, days: 1, arrivesAfterDays: 3 },
          ],
        },
      ],
    });
    const dates = async () =>
      (await market.dailyMetrics(campaignsOf(market), '2027-01-04', '2027-01-13')).map((r) => r.date);

    await simulate(market, 5);
    expect(await dates()).toEqual(['2027-01-04', '2027-01-07', '2027-01-08']);
    await market.simulateDay(5);
    expect(await dates()).toEqual(['2027-01-04', '2027-01-06', '2027-01-07', '2027-01-08', '2027-01-09']);
    // Leads still came in on the missing-cost day.
    expect(market.history()[0]?.[1]?.realizedLeads).toBeGreaterThan(0);
  });

  it('brings no leads and reports zero cost on a tracking-outage day', async () => {
    const { market, repository } = marketFor({
      segments: [{ ...painters, shocks: [{ kind: 'trackingOutage', day: 1, days: 2 }] }],
    });
    await simulate(market, 4);

    const rows = await market.dailyMetrics(campaignsOf(market), '2027-01-05', '2027-01-06');

    expect(rows.map((r) => [r.costMicros, r.clicks, r.conversions])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(repository.days.map((d) => d.leads.length > 0)).toEqual([true, false, false, true]);
  });

  it('reports no impressions lost to the budget when the budget exceeds what demand absorbs', async () => {
    const { market } = marketFor({
      segments: [{ ...painters, demandCeilingLeadsPerDay: 10, startBudgetEuros: 1000 }],
    });
    await simulate(market, 5);

    const rows = await market.dailyMetrics(campaignsOf(market), '2027-01-04', '2027-01-08');

    expect(rows.every((r) => r.searchBudgetLostImpressionShare === 0)).toBe(true);
    expect(rows.every((r) => r.costMicros < 800_000_000)).toBe(true);
  });

  it('gives the same market for the same seed, and another for another seed', async () => {
    const run = async (seed?: number) => {
      const { market, repository } = marketFor({}, seed);
      await simulate(market, 6);
      return { history: market.history(), days: repository.days };
    };

    const [first, again, other] = [await run(), await run(), await run(99)];

    expect(again).toEqual(first);
    expect(other.history).not.toEqual(first.history);
  });

  it('puts each lead in its Amsterdam business day, with its industry and province', async () => {
    const { market, repository } = marketFor({ startDate: '2027-03-27' });
    await simulate(market, 3);

    repository.days.forEach((day, index) => {
      const date = ['2027-03-27', '2027-03-28', '2027-03-29'][index] ?? '';
      const next = ['2027-03-28', '2027-03-29', '2027-03-30'][index] ?? '';
      for (const lead of day.leads) {
        expect(new Date(lead.createdAt).getTime()).toBeGreaterThanOrEqual(dayStartUtc(date).getTime());
        expect(new Date(lead.createdAt).getTime()).toBeLessThan(dayStartUtc(next).getTime());
        expect(lead.province).toBe('Utrecht');
        expect(market.world.industries.map((i) => i.id)).toContain(lead.industryId);
      }
    });
  });

  it('has partners decide within the lag, accepting no more of a day’s leads than that day’s capacity', async () => {
    const { market, repository } = marketFor({
      segments: [
        { ...painters, startBudgetEuros: 400, leadStatus: { ...painters.leadStatus, acceptanceRate: 1 } },
      ],
    });
    await simulate(market, 8);

    const createdOn = new Map(repository.days.flatMap((d, day) => d.leads.map((l) => [l.id, day] as const)));
    const accepted = new Map<number, number>();
    repository.days.forEach((d, day) => {
      for (const verdict of d.verdicts) {
        const created = createdOn.get(verdict.id) ?? -1;
        expect(day - created).toBeGreaterThanOrEqual(1);
        expect(day - created).toBeLessThanOrEqual(2);
        if (verdict.status === 'accepted') {
          expect(verdict.priceMicros).toBe(20_000_000);
          accepted.set(created, (accepted.get(created) ?? 0) + 1);
        }
      }
    });
    const capacity = market.world.segments[0]?.days.map((d) => d.capacity) ?? [];
    for (const [day, count] of accepted) expect(count).toBeLessThanOrEqual(capacity[day] ?? 0);
    expect([...accepted.values()].some((count) => count === capacity[0])).toBe(true);
  });

  it('switches partners on and off on the days they join and leave', async () => {
    const { market, repository } = marketFor();
    await simulate(market, 6);

    const partners = market.world.segments[0]?.partners ?? [];

    expect(repository.days.map((d) => d.partners.filter((p) => partners.some((q) => q.id === p.id)))).toEqual(
      [[], [], [], [{ id: partners[1]?.id, active: true }], [], [{ id: partners[2]?.id, active: false }]],
    );
    expect(market.world.segments[0]?.days.map((d) => d.capacity)).toEqual([
      13, 13, 13, 17, 17, 14, 14, 14, 14, 14,
    ]);
  });

  it('sets a budget edited by hand before its day starts', async () => {
    const { market } = marketFor({
      segments: [{ ...painters, budgetEdits: [{ day: 2, budgetEuros: 55.5 }] }],
    });
    await simulate(market, 3);

    expect(market.history()[0]?.map((d) => [d.budgetMicros, d.handEdit])).toEqual([
      [100_000_000, false],
      [100_000_000, false],
      [55_500_000, true],
    ]);
    expect(market.budgetChanges()).toEqual([
      {
        afterDay: 1,
        code: 'schilder-utrecht',
        fromMicros: 100_000_000,
        toMicros: 55_500_000,
        source: 'hand',
      },
    ]);
  });

  it('checks each budget change as Google Ads does, and changes nothing when only validating', async () => {
    const { market } = marketFor();
    const [painter, mover] = market.world.segments;
    if (!painter || !mover) throw new Error('two segments expected');
    const change = (over: Partial<BudgetChange>): BudgetChange => ({
      customerId: painter.customerId,
      campaignId: painter.campaignId,
      budgetId: painter.budgetId,
      segmentId: painter.id,
      newAmountMicros: 120_000_000,
      ...over,
    });
    const batch = [
      change({}),
      change({ newAmountMicros: 12_345 }),
      change({ newAmountMicros: -10_000 }),
      change({ budgetId: '123' }),
      change({ campaignId: '42' }),
      change({ customerId: '2222222222' }),
      change({ campaignId: mover.campaignId, budgetId: mover.budgetId, newAmountMicros: 0 }),
    ];

    const checked = await market.applyBudgetChanges(painter.customerId, batch, { validateOnly: true });
    expect(market.budgets().get('schilder-utrecht')).toBe(100_000_000);
    const applied = await market.applyBudgetChanges(painter.customerId, batch, { validateOnly: false });

    expect(checked).toEqual(applied);
    expect(applied.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
      'ok',
      'Budget amount 12345 micros is not a non-negative whole number of cents (a multiple of 10000).',
      'Budget amount -10000 micros is not a non-negative whole number of cents (a multiple of 10000).',
      `Budget 123 is not the budget of campaign ${painter.campaignId} (that is ${painter.budgetId}).`,
      `Campaign 42 does not exist in account ${painter.customerId}.`,
      `Change for account 2222222222 sent in the batch of account ${painter.customerId}.`,
      'ok',
    ]);
    expect(applied.map((r) => r.change)).toEqual(batch);
    expect(market.budgets().get('schilder-utrecht')).toBe(120_000_000);
    expect(market.budgets().get('verhuizer-utrecht')).toBe(0);
    expect(await market.currentBudgets(campaignsOf(market))).toEqual([
      expect.objectContaining({ amountMicros: 120_000_000, shared: false, currencyCode: 'EUR' }),
      expect.objectContaining({ amountMicros: 0, budgetId: mover.budgetId }),
    ]);
  });
});
