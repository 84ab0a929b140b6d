import autocannon from 'autocannon';
import { startLocalServer } from '../shared/api/local-server.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import type { Bench, BenchResult } from './bench.ts';
import { pgliteLane } from './support/bench-databases.ts';

// The API on embedded PGlite with demo-sized data (60 segments, 90 days of stats and plans),
// under 100 concurrent connections: the segment list, and 90 days of stats for one segment.
const connections = 100;
const durationSeconds = 6;
const targetP99Ms = 50;

const bench: Bench = async () => {
  const db = await pgliteLane.open();
  await db.exec(`
    insert into public.lead_segments (code, branch, region, name)
    select b || '-' || r.code, b, r.code, initcap(b) || ' ' || r.name
    from unnest(array['schilder', 'dakdekker', 'warmtepomp', 'zonnepanelen', 'loodgieter']) b
    cross join public.lfi_regions r;
    insert into public.lead_generation_stats
      (segment_id, date, leads_generated, leads_accepted, revenue, avg_cpl, google_ads_spend, google_ads_clicks,
       capacity_partners, capacity_total_leads)
    select s.id, date '2026-11-24' - d, 10 + (d % 7), 8, 250.00, 21.40, 210.50, 80, 4, 30
    from public.lead_segments s cross join generate_series(0, 89) d;
    insert into public.lead_segment_plans
      (segment_id, date, target_utilization, target_leads_per_day, actual_leads, lead_gap, lead_gap_percentage,
       capacity_total_leads, actual_daily_budget_google_ads)
    select s.id, date '2026-11-24' - d, 0.8, 24, 10 + (d % 7), 14 - (d % 7), 50.00, 30, 120.00
    from public.lead_segments s cross join generate_series(0, 89) d;
    insert into public.channel_orchestration_log (segment_id, date, action_type, old_value, new_value, status, explanation)
    select s.id, date '2026-11-24' - d, 'budget_increase', 100.00, 120.00, 'applied', 'Gap of 14 leads: +20%'
    from public.lead_segments s cross join generate_series(0, 89) d;
  `);
  const [segment] = await db.query<{ id: string }>(
    'select id from public.lead_segments order by code limit 1',
  );
  if (!segment) throw new Error('The bench data set has no segment.');
  const server = await startLocalServer({
    runtime: { db, clock: { now: () => new Date('2026-11-25T10:00:00Z') }, logger: silentLogger },
    port: 0,
  });
  const scenarios = [
    { name: 'segment list (60)', path: '/api/lead-segments?limit=100' },
    { name: 'stats 90 days', path: `/api/lead-segments/${segment.id}/stats?from=2026-08-27&to=2026-11-24` },
  ];
  const headers = { authorization: `Bearer ${server.token}` };
  const results: BenchResult[] = [];
  try {
    for (const scenario of scenarios) {
      // Steady state, as in production: one request first warms the JIT and the read cache.
      const url = `${server.url}${scenario.path}`;
      await fetch(url, { headers });
      const run = await autocannon({
        url,
        connections,
        duration: durationSeconds,
        // The load generator in its own thread, so it does not compete with the server's event loop.
        workers: 1,
        headers,
      });
      const failed = run.non2xx + run.errors + run.timeouts;
      const name = `api ${scenario.name}`;
      results.push(
        {
          bench: name,
          metric: `req/s (${connections} connections)`,
          value: run.requests.average,
          unit: 'req/s',
        },
        { bench: name, metric: 'p50 latency', value: run.latency.p50, unit: 'ms' },
        {
          bench: name,
          metric: 'p99 latency',
          value: run.latency.p99,
          unit: 'ms',
          target: `< ${targetP99Ms} ms`,
          pass: run.latency.p99 < targetP99Ms,
        },
        { bench: name, metric: 'failed requests', value: failed, unit: '', target: '0', pass: failed === 0 },
      );
    }
  } finally {
    await server.close();
    await db.close();
  }
  return results;
};

export default bench;
