import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { startLocalServer } from '../shared/api/local-server.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import type { Bench, BenchResult } from './bench.ts';
import { pgliteLane } from './support/bench-databases.ts';

// The API on embedded PGlite with demo-sized data (60 segments, 90 days of stats and plans),
// under 100 concurrent connections: the segment list, and 90 days of stats for one segment.
// Its floor, measured in the same run under the same load: a bare node:http server answering
// the same bytes. Absolute figures move with the machine; the targets are on the ratios.
const connections = 100;
const durationSeconds = 6;
const minThroughputRatio = 0.2;
const maxP99Ratio = 5;

interface Load {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
}

async function load(url: string, headers: Record<string, string>): Promise<Load> {
  await fetch(url, { headers }); // steady state, as in production: warm the JIT and the read cache
  const run = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    // The load generator in its own thread, so it does not compete with the server's event loop.
    workers: 1,
    headers,
  });
  return {
    rps: run.requests.average,
    p50: run.latency.p50,
    p99: run.latency.p99,
    failed: run.non2xx + run.errors + run.timeouts,
  };
}

/** The floor: node:http answering a fixed body, as the API's answer would arrive. */
async function bareServer(body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

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
      const url = `${server.url}${scenario.path}`;
      const body = await (await fetch(url, { headers })).text();
      // The floor before and after ours, keeping the better of each figure: a noisy neighbour
      // then slows the floor no more than it slows ours.
      const bare = await bareServer(body);
      const before = await load(bare.url, headers);
      const ours = await load(url, headers);
      const after = await load(bare.url, headers).finally(bare.close);
      const floor = { rps: Math.max(before.rps, after.rps), p99: Math.min(before.p99, after.p99) };
      const name = `api ${scenario.name}`;
      const throughputRatio = ours.rps / floor.rps;
      const p99Ratio = ours.p99 / Math.max(floor.p99, 1);
      results.push(
        { bench: name, metric: 'floor: bare node:http, same body, req/s', value: floor.rps, unit: 'req/s' },
        { bench: name, metric: 'floor: p99 latency', value: floor.p99, unit: 'ms' },
        { bench: name, metric: `req/s (${connections} connections)`, value: ours.rps, unit: 'req/s' },
        { bench: name, metric: 'p50 latency', value: ours.p50, unit: 'ms' },
        { bench: name, metric: 'p99 latency', value: ours.p99, unit: 'ms' },
        {
          bench: name,
          metric: 'req/s, ours / floor',
          value: throughputRatio,
          unit: '×',
          target: `≥ ${minThroughputRatio}×`,
          pass: throughputRatio >= minThroughputRatio,
        },
        {
          bench: name,
          metric: 'p99, ours / floor (floor at least 1 ms)',
          value: p99Ratio,
          unit: '×',
          target: `≤ ${maxP99Ratio}×`,
          pass: p99Ratio <= maxP99Ratio,
        },
        {
          bench: name,
          metric: 'failed requests',
          value: ours.failed,
          unit: '',
          target: '0',
          pass: ours.failed === 0,
        },
      );
    }
  } finally {
    await server.close();
    await db.close();
  }
  return results;
};

export default bench;
