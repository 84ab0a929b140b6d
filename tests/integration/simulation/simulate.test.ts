import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNight } from '../../../cli/run-night.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { microsFromEuros } from '../../../shared/domain/money.ts';
import { simulationMetrics } from '../../../shared/simulation/metrics.ts';
import { parseScenarioJson } from '../../../shared/simulation/scenario.schema.ts';
import { buildWorld } from '../../../shared/simulation/scenario-world.ts';
import { type SimulationRun, simulate } from '../../../shared/simulation/simulate.ts';
import { databaseLanes } from '../../support/databases.ts';

// A small scenario (3 segments × 21 days) through the real nightly state machine, night by night.
describe.each(databaseLanes)('lfi simulate on $name', (lane) => {
  let db: SqlDatabase;
  let run: SimulationRun;

  beforeAll(async () => {
    const file = new URL('fixtures/three-segments.json', import.meta.url);
    const world = buildWorld(parseScenarioJson(await readFile(file, 'utf8'), 'three-segments.json'));
    db = await lane.open();
    const config = loadConfig({});
    run = await simulate({
      world,
      controller: 'plan',
      db,
      runNight: ({ date, clock, ads }) => runNight({ date, db, ads, clock, config }),
    });
  }, 120_000);
  afterAll(() => db?.close());

  it('chooses the controller through lfi_settings and writes the account cap into the guardrails', async () => {
    const settings = await db.query<{ key: string; value: unknown }>(
      `select key, value from public.lfi_settings where key in ('controller', 'guardrails') order by key`,
    );

    expect(settings).toEqual([
      { key: 'controller', value: { name: 'plan' } },
      { key: 'guardrails', value: { accountDailyCapMicros: { '1000000001': 800_000_000 } } },
    ]);
  });

  it('lands every lead in public.leads with its segment, on the day the series says', async () => {
    const rows = await db.query<{ code: string | null; date: string; leads: number }>(
      `select s.code, to_char(l.created_at at time zone 'Europe/Amsterdam', 'YYYY-MM-DD') as date, count(*)::int as leads
         from public.leads l left join public.lead_segments s on s.id = l.segment_id
        group by 1, 2`,
    );
    const inDatabase = new Map(rows.map((r) => [`${r.code}/${r.date}`, r.leads]));

    expect(rows.every((r) => r.code !== null)).toBe(true);
    for (const segment of run.series.segments)
      for (const d of segment.days)
        expect(inDatabase.get(`${segment.code}/${d.date}`) ?? 0, `${segment.code} ${d.date}`).toBe(
          d.realizedLeads,
        );
    expect(run.series.segments.every((s) => s.days.some((d) => d.realizedLeads > 0))).toBe(true);
    const outage = run.series.segments[2]?.days[15];
    expect(outage).toMatchObject({ outage: true, realizedLeads: 0, spendMicros: 0 });
  });

  it('has partners decide on the leads after their lag: accepted ones with a price, none left undecided', async () => {
    const [counts] = await db.query<{ undecided: number; accepted: number; priced: number }>(
      `select count(*) filter (where status = 'new' and created_at < ($1::date - 2)::timestamp at time zone 'Europe/Amsterdam')::int as undecided,
              count(*) filter (where status = 'accepted')::int as accepted,
              count(*) filter (where status = 'accepted' and price_at_purchase > 0)::int as priced
         from public.leads`,
      // The last day is 2027-01-24; with lags of at most 3 days, leads up to 01-21 are decided.
      ['2027-01-24'],
    );

    expect(counts?.undecided).toBe(0);
    expect(counts?.accepted).toBeGreaterThan(0);
    expect(counts?.priced).toBe(counts?.accepted);
  });

  it('records, per segment and day, the plan’s target next to the true target and capacity', () => {
    const painter = run.series.segments[0];

    expect(painter?.days.map((d) => d.capacity)).toEqual([...Array(10).fill(10), ...Array(11).fill(15)]);
    for (const segment of run.series.segments)
      for (const d of segment.days) {
        expect(d.planTarget).not.toBeNull();
        expect(Math.abs((d.planTarget ?? 0) - d.target)).toBeLessThan(1);
        expect(d.decision).not.toBeNull();
      }
  });

  it('changes budgets only through the pipeline’s applied decisions or by hand', () => {
    for (const segment of run.series.segments) {
      segment.days.forEach((d, n) => {
        const before = segment.days[n - 1];
        if (before && !d.handEdit)
          expect(d.budgetMicros, `${segment.code} ${d.date}`).toBe(before.budgetAfterNightMicros);
        if (d.budgetAfterNightMicros !== d.budgetMicros) {
          expect(['applied', 'clamped']).toContain(d.decision?.status);
          expect(microsFromEuros(d.decision?.newValue ?? '0')).toBe(d.budgetAfterNightMicros);
        }
      });
    }
    const pipeline = run.budgetChanges.filter((c) => c.source === 'pipeline');
    const hand = run.budgetChanges.filter((c) => c.source === 'hand');

    expect(pipeline.length).toBeGreaterThan(10);
    expect(hand).toEqual([
      expect.objectContaining({ afterDay: 11, code: 'verhuizer-noord-holland', toMicros: 150_000_000 }),
    ]);
  });

  it('keeps within the guardrails', () => {
    const metrics = simulationMetrics(run.series);

    expect(metrics.violations).toEqual([]);
    expect(metrics.overall.segmentDays).toBe(3 * 14);
    expect(metrics.overall.expectedLeadGap).toBeGreaterThan(0);
  });

  it('leaves a missing-cost day without spend in the stats, its leads counted', async () => {
    const [stats] = await db.query<{ spend: string; leads: number }>(
      `select st.google_ads_spend::text as spend, st.leads_generated as leads
         from public.lead_generation_stats st join public.lead_segments s on s.id = st.segment_id
        where s.code = 'verhuizer-noord-holland' and st.date = '2027-01-12'`,
    );

    expect(stats?.spend).toBe('0.00');
    expect(stats?.leads).toBeGreaterThan(0);
    expect(run.series.segments[1]?.days[8]?.spendMicros).toBeGreaterThan(0);
  });
});
