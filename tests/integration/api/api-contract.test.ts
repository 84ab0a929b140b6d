import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import { routeList } from '../../../shared/api/routes.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  seedApiData,
  segmentA,
  segmentB,
  startTestServer,
  unknownSegment,
  yesterday,
} from './api-fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions.
type Json = any;

describe.each(databaseLanes)('HTTP API contract on $name', (lane) => {
  let db: SqlDatabase;
  let server: LocalServer;
  let userToken: string;
  let customerToken: string;

  beforeAll(async () => {
    db = await lane.open();
    await seedApiData(db);
    server = await startTestServer(db);
    userToken = await server.signToken({
      sub: 'user-1',
      email: 'analyst@example.com',
      app_metadata: { role: 'growth' },
    });
    customerToken = await server.signToken({ sub: 'customer-1', email: 'customer@example.com' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token ?? server.token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Json };
  };

  it('lists segments with their latest plan and the overview numbers the dashboard shows', async () => {
    const { status, json } = await call('GET', '/api/lead-segments', { token: userToken });
    expect(status).toBe(200);
    expect(json.page).toEqual({ limit: 50, offset: 0, total: 2 });
    const a = json.items.find((item: { id: string }) => item.id === segmentA);
    expect(a.latest_plan).toEqual({
      date: yesterday,
      target_leads_per_day: 16,
      target_source: 'capacity',
      actual_leads: 15,
      lead_gap: 1,
      lead_gap_percentage: 6.25,
      actual_daily_budget_google_ads: '30.00',
    });
    expect(a.overview).toMatchObject({
      as_of: yesterday,
      capacity_partners: 3,
      capacity_total_leads: 20.5,
      leads_yesterday: 15,
      leads_7d_avg: 12,
      last_budget_change: { date: '2026-11-23', old_value: '25.00', new_value: '30.00', status: 'applied' },
    });
    const b = json.items.find((item: { id: string }) => item.id === segmentB);
    expect(b.latest_plan).toBeNull();
    expect(b.overview).toMatchObject({ leads_yesterday: null, leads_7d_avg: 0, last_budget_change: null });
  });

  it('pages the segment list with limit and offset', async () => {
    const first = await call('GET', '/api/lead-segments?limit=1');
    const second = await call('GET', '/api/lead-segments?limit=1&offset=1');
    expect(first.json.items).toHaveLength(1);
    expect(second.json.items).toHaveLength(1);
    expect(first.json.items[0].id).not.toBe(second.json.items[0].id);
    expect(second.json.page).toEqual({ limit: 1, offset: 1, total: 2 });
  });

  it('returns 30 days of stats ending yesterday by default, money as euro strings', async () => {
    const { status, json } = await call('GET', `/api/lead-segments/${segmentA}/stats`, { token: userToken });
    expect(status).toBe(200);
    expect(json.from).toBe('2026-10-26');
    expect(json.to).toBe(yesterday);
    expect(json.items).toHaveLength(15);
    expect(json.items[14]).toMatchObject({
      date: yesterday,
      leads_generated: 15,
      leads_accepted: 14,
      revenue: '100.00',
      avg_cpl: '5.50',
      google_ads_spend: '12.34',
      capacity_total_leads: 20.5,
    });
  });

  it('returns stats and plans for exactly the requested range', async () => {
    const stats = await call('GET', `/api/lead-segments/${segmentA}/stats?from=2026-11-20&to=2026-11-22`);
    expect(stats.json.items.map((row: { date: string }) => row.date)).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
    ]);
    const plans = await call('GET', `/api/lead-segments/${segmentA}/plans?from=2026-11-23&to=2026-11-24`);
    expect(plans.status).toBe(200);
    expect(plans.json.items).toEqual([
      expect.objectContaining({
        date: '2026-11-23',
        target_leads_per_day: 16,
        lead_gap: 2,
        actual_daily_budget_google_ads: '25.00',
      }),
      expect.objectContaining({
        date: '2026-11-24',
        target_leads_per_day: 16,
        lead_gap: 1,
        actual_daily_budget_google_ads: '30.00',
      }),
    ]);
  });

  it('returns an empty list, not 404, for a known segment without data', async () => {
    const { status, json } = await call('GET', `/api/lead-segments/${segmentB}/plans`);
    expect(status).toBe(200);
    expect(json.items).toEqual([]);
  });

  it('returns 404 for a valid uuid that is no segment, on every segment route', async () => {
    for (const path of ['stats', 'plans', 'decisions', 'overrides']) {
      const { status, json } = await call('GET', `/api/lead-segments/${unknownSegment}/${path}`);
      expect(status, path).toBe(404);
      expect(json.error.code).toBe('not_found');
    }
  });

  it("pages a segment's decisions newest first, with explanations", async () => {
    const first = await call('GET', `/api/lead-segments/${segmentA}/decisions?from=2026-11-01&limit=2`);
    expect(first.status).toBe(200);
    expect(first.json.page).toEqual({ limit: 2, offset: 0, total: 5 });
    expect(first.json.items.map((d: { explanation: string }) => d.explanation)).toEqual([
      'Dry run 3',
      'Dry run 2',
    ]);
    const last = await call(
      'GET',
      `/api/lead-segments/${segmentA}/decisions?from=2026-11-01&limit=2&offset=4`,
    );
    expect(last.json.items).toEqual([
      expect.objectContaining({
        date: '2026-11-23',
        status: 'applied',
        old_value: '25.00',
        new_value: '30.00',
      }),
    ]);
  });

  it('reports the last run of each step, recent decisions and failures (with their errors, to an admin)', async () => {
    const { status, json } = await call('GET', '/api/orchestration/status');
    expect(status).toBe(200);
    expect(json.steps.map((s: { step: string; status: string }) => [s.step, s.status])).toEqual([
      ['aggregate', 'succeeded'],
      ['orchestrate', 'succeeded'],
      ['plan', 'failed'],
    ]);
    expect(json.steps[0].counts).toEqual({ segments: 2 });
    expect(json.recent_decisions[0]).toMatchObject({ segment_code: 'dakdekker-zeeland', status: 'failed' });
    expect(json.failures.runs).toEqual([
      expect.objectContaining({ step: 'plan', error_message: 'capacity query timed out' }),
    ]);
    expect(json.failures.decisions).toEqual([
      expect.objectContaining({ error_message: 'Google Ads said no' }),
    ]);
    expect(json.kill_switch.enabled).toBe(false);
  });

  it('sets and clears a target override, recording the admin who did each', async () => {
    const created = await call('POST', `/api/lead-segments/${segmentB}/overrides`, {
      body: {
        target_leads_per_day: 12,
        valid_from: '2026-11-25',
        valid_to: '2026-12-31',
        reason: 'Winter campaign',
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      target_leads_per_day: 12,
      created_by: 'admin@localhost',
      active: true,
    });

    const listed = await call('GET', `/api/lead-segments/${segmentB}/overrides`, { token: userToken });
    expect(listed.json.items.map((o: { id: string }) => o.id)).toEqual([created.json.id]);

    const cleared = await call('DELETE', `/api/lead-segments/${segmentB}/overrides/${created.json.id}`);
    expect(cleared.status).toBe(200);
    expect(cleared.json).toMatchObject({ cleared_by: 'admin@localhost', active: false });
    const again = await call('DELETE', `/api/lead-segments/${segmentB}/overrides/${created.json.id}`);
    expect(again.json.cleared_at).toBe(cleared.json.cleared_at);

    const log = await db.query<{ message: string; sub: string }>(
      `select message, context -> 'actor' ->> 'sub' as sub from public.lfi_system_log
        where source = 'api' and context ->> 'override_id' = $1 order by id`,
      [created.json.id],
    );
    expect(log).toEqual([
      { message: 'target override set', sub: 'local-admin' },
      { message: 'target override cleared', sub: 'local-admin' },
    ]);
  });

  it('pauses and resumes orchestration of a segment', async () => {
    const paused = await call('POST', `/api/lead-segments/${segmentA}/pause`, {
      body: { reason: 'Partner on holiday' },
    });
    expect(paused.status).toBe(200);
    expect(paused.json.orchestration_paused).toBe(true);
    const resumed = await fetch(`${server.url}/api/lead-segments/${segmentA}/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as { orchestration_paused: boolean }).orchestration_paused).toBe(false);
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from public.lfi_system_log where source = 'api' and context ->> 'segment_id' = $1
         and message like 'segment orchestration %'`,
      [segmentA],
    );
    expect(row?.n).toBe(2);
  });

  it('turns the global kill switch on and shows it in the status', async () => {
    const on = await call('PUT', '/api/orchestration/kill-switch', {
      body: { enabled: true, reason: 'Ads outage' },
    });
    expect(on.status).toBe(200);
    expect(on.json).toMatchObject({ enabled: true, updated_by: 'admin@localhost' });
    const status = await call('GET', '/api/orchestration/status');
    expect(status.json.kill_switch.enabled).toBe(true);
    const off = await call('PUT', '/api/orchestration/kill-switch', { body: { enabled: false } });
    expect(off.json.enabled).toBe(false);
  });

  it('creates a segment, and answers 409 without writing for a second one with the same branch and region', async () => {
    const created = await call('POST', '/api/lead-segments', {
      body: { branch: ' Warmtepomp ', region: 'noord-holland', target_utilization: 0.75 },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      code: 'warmtepomp-noord-holland',
      branch: 'warmtepomp',
      name: 'Warmtepomp Noord-Holland',
      target_utilization: 0.75,
      is_active: true,
      orchestration_paused: false,
    });
    const duplicate = await call('POST', '/api/lead-segments', {
      body: { branch: 'warmtepomp', region: 'noord-holland' },
    });
    expect(duplicate.status).toBe(409);
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from public.lead_segments where branch = 'warmtepomp'`,
    );
    expect(row?.n).toBe(1);
  });

  it('lets the growth team read but not write (403)', async () => {
    const read = await call('GET', '/api/lead-segments', { token: userToken });
    expect(read.status).toBe(200);
    const write = await call('POST', `/api/lead-segments/${segmentA}/pause`, { token: userToken, body: {} });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('forbidden');
  });

  it('lets a signed-in platform customer without a reader role read nothing (403)', async () => {
    for (const path of [
      '/api/lead-segments',
      `/api/lead-segments/${segmentA}/stats`,
      '/api/orchestration/status',
    ]) {
      const read = await call('GET', path, { token: customerToken });
      expect(read.status, path).toBe(403);
      expect(read.json.error.code).toBe('forbidden');
      expect(JSON.stringify(read.json)).not.toMatch(/schilder|revenue|spend/i);
    }
  });

  it('sends security headers and CORS for the dashboard origin only', async () => {
    const allowed = await fetch(`${server.url}/api/lead-segments`, {
      headers: { authorization: `Bearer ${server.token}`, origin: 'http://localhost:8787' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8787');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('x-frame-options')).toBe('DENY');
    expect(allowed.headers.get('referrer-policy')).toBe('no-referrer');
    expect(allowed.headers.get('content-security-policy')).toContain("default-src 'none'");
    const other = await fetch(`${server.url}/api/lead-segments`, {
      headers: { authorization: `Bearer ${server.token}`, origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/lead-segments`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:8787', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('serves an OpenAPI 3.1 document describing every route of the table, without a token', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeList) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
  });
});
