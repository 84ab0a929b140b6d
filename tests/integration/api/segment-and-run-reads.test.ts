import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import { startLocalServer } from '../../../shared/api/local-server.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { databaseLanes } from '../../support/databases.ts';
import { now, seedApiData, segmentA, segmentB, unknownSegment, yesterday } from './api-fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions.
type Json = any;

/**
 * The reads that keep the dashboard's pages light (one segment, the kill switch), the run history
 * of the Nachtrun page, and the one business day an overview describes, with the budget the ads
 * account holds.
 */
const segmentC = '33333333-3333-4333-8333-333333333333';

describe.each(databaseLanes)('segment, kill-switch and run reads on $name', (lane) => {
  let db: SqlDatabase;
  let server: LocalServer;
  let customerToken: string;

  beforeAll(async () => {
    db = await lane.open();
    await seedApiData(db);
    // Segment C: its plan last recorded €740, while the ads account reports €1000 (changed by hand).
    await db.exec(`
      insert into public.lead_segments (id, code, branch, region, name) values
        ('${segmentC}', 'schilder-zeeland', 'schilder', 'zeeland', 'Schilder Zeeland');
      insert into public.lead_generation_stats
        (segment_id, date, leads_generated, google_ads_spend, capacity_partners, capacity_total_leads, google_ads_budget)
      values ('${segmentC}', '${yesterday}', 4, 700.00, 1, 10, 1000.00);
      insert into public.lead_segment_plans
        (segment_id, date, target_utilization, target_leads_per_day, actual_leads, lead_gap, lead_gap_percentage,
         capacity_total_leads, actual_daily_budget_google_ads)
      values ('${segmentC}', '${yesterday}', 0.8, 8, 4, 4, 50, 10, 740.00);
      insert into public.lfi_runs (id, run_date, step, status, started_at, finished_at, counts, started_by) values
        ('aaaaaaaa-0000-4000-8000-000000000004', '2026-11-24', 'orchestrate', 'succeeded', '2026-11-25T00:06:00Z', '2026-11-25T00:07:00Z', '{"increased": 1}', null),
        ('aaaaaaaa-0000-4000-8000-000000000005', '2026-11-24', 'orchestrate', 'succeeded', '2026-11-25T09:00:00Z', '2026-11-25T09:00:01Z', '{"already_decided": 3}', 'lfi');
      update public.channel_orchestration_log set run_id = 'aaaaaaaa-0000-4000-8000-000000000004'
       where segment_id = '${segmentB}';
      insert into public.channel_orchestration_log
        (segment_id, run_id, date, action_type, old_value, new_value, status, explanation, reason_code, reason_params)
      values ('${segmentC}', 'aaaaaaaa-0000-4000-8000-000000000004', '2026-11-23', 'budget_increase', 600.00, 740.00,
              'clamped', '+23%: model', 'max_daily_change', '{"old_budget": "600.00", "new_budget": "740.00"}');
      insert into public.lfi_budget_changes (log_id, customer_id, campaign_id, budget_id, old_value, new_value)
      select id, '1234567890', '103', '9003', 600.00, 740.00 from public.channel_orchestration_log
       where segment_id = '${segmentC}' and date = '2026-11-23';
    `);
    // No read cache: the tests change rows beneath the API between reads.
    server = await startLocalServer({
      runtime: { db, clock: { now: () => now }, logger: silentLogger },
      port: 0,
      settings: { allowedOrigins: ['http://localhost:8787'], timeZone: 'Europe/Amsterdam', readCacheMs: 0 },
    });
    customerToken = await server.signToken({ sub: 'customer-1', email: 'customer@example.com' });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const call = async (path: string, token = server.token) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as Json };
  };

  it('returns one segment exactly as the segment list shows it', async () => {
    const list = await call('/api/lead-segments?limit=200');
    for (const id of [segmentA, segmentB, segmentC]) {
      const one = await call(`/api/lead-segments/${id}`);
      expect(one.status).toBe(200);
      expect(one.json).toEqual(list.json.items.find((item: { id: string }) => item.id === id));
    }
  });

  it('answers 404 for an unknown segment and 400 for an id that is no uuid', async () => {
    const missing = await call(`/api/lead-segments/${unknownSegment}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    const bad = await call('/api/lead-segments/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe('params.id');
  });

  it('gives the budget the ads account holds, not the plan’s last record of it', async () => {
    const c = (await call(`/api/lead-segments/${segmentC}`)).json;
    expect(c.latest_plan.actual_daily_budget_google_ads).toBe('740.00');
    // The latest real decision is of 11-23 (€740); the ads report of 11-24 says €1000: the report is newer.
    expect(c.overview.current_budget).toEqual({ amount: '1000.00', date: yesterday, source: 'ads_report' });
    const a = (await call(`/api/lead-segments/${segmentA}`)).json;
    // 11-24 was skipped at €30 (read from the account); its dry runs of €36 changed nothing.
    expect(a.overview.current_budget).toEqual({ amount: '30.00', date: yesterday, source: 'decision' });
    const b = (await call(`/api/lead-segments/${segmentB}`)).json;
    // A failed decrease leaves what the account held.
    expect(b.overview.current_budget).toEqual({ amount: '50.00', date: yesterday, source: 'decision' });
  });

  it('describes one business day on the whole list: the latest planned day', async () => {
    const before = await call('/api/lead-segments');
    expect(before.json.as_of).toBe(yesterday);
    expect(before.json.items.every((item: Json) => item.overview.as_of === yesterday)).toBe(true);
    // A plan for a later day (a run ahead of the clock): every number moves to that day together.
    await db.exec(`
      insert into public.lead_segment_plans
        (segment_id, date, target_utilization, target_leads_per_day, actual_leads, lead_gap, lead_gap_percentage,
         capacity_total_leads)
      values ('${segmentA}', '2026-11-26', 0.8, 16, 0, 16, 100, 20.5)`);
    try {
      const after = await call('/api/lead-segments');
      expect(after.json.as_of).toBe('2026-11-26');
      const a = after.json.items.find((item: { id: string }) => item.id === segmentA);
      expect(a.overview.as_of).toBe('2026-11-26');
      expect(a.latest_plan.date).toBe('2026-11-26');
      expect(a.overview.leads_yesterday).toBeNull();
      const c = after.json.items.find((item: { id: string }) => item.id === segmentC);
      // Not planned that day: no plan of another day beside the others.
      expect(c.latest_plan).toBeNull();
    } finally {
      await db.exec(`delete from public.lead_segment_plans where date = '2026-11-26'`);
    }
  });

  it('reads the kill switch on its own, and follows a change', async () => {
    expect((await call('/api/orchestration/kill-switch')).json).toMatchObject({
      enabled: false,
      updated_by: null,
    });
    const put = await fetch(`${server.url}/api/orchestration/kill-switch`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(put.status).toBe(200);
    const after = (await call('/api/orchestration/kill-switch')).json;
    expect(after.enabled).toBe(true);
    expect(after.updated_by).toBeTypeOf('string');
    await fetch(`${server.url}/api/orchestration/kill-switch`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
  });

  it('lists every run newest first, with who started it and what Orchestrate changed', async () => {
    const { status, json } = await call('/api/orchestration/runs');
    expect(status).toBe(200);
    expect(json.page).toEqual({ limit: 50, offset: 0, total: 5 });
    expect(json.items.map((run: Json) => run.run_id.slice(-1))).toEqual(['5', '4', '2', '1', '3']);
    const [rerun, night] = json.items;
    expect(rerun).toMatchObject({
      step: 'orchestrate',
      started_by: 'lfi',
      decisions_recorded: 0,
      budgets_changed: 0,
    });
    expect(night).toMatchObject({ started_by: null, decisions_recorded: 2, budgets_changed: 1 });
    const plan = json.items.find((run: Json) => run.step === 'plan');
    expect(plan).toMatchObject({ status: 'failed', decisions_recorded: null, budgets_changed: null });
    expect(plan.error_message).toBe('capacity query timed out');
    const paged = await call('/api/orchestration/runs?limit=2&offset=2');
    expect(paged.json.items).toHaveLength(2);
  });

  it('lists a partial night and a stale step with their own status, not a 500', async () => {
    await db.exec(`
      insert into public.lfi_runs (id, run_date, step, status, started_at, finished_at, counts, error_message) values
        ('aaaaaaaa-0000-4000-8000-000000000006', '2026-11-20', 'orchestrate', 'partial', '2026-11-21T00:06:00Z', '2026-11-21T00:07:00Z', '{"failed": 2}', null),
        ('aaaaaaaa-0000-4000-8000-000000000007', '2026-11-20', 'plan', 'stale', '2026-11-21T00:04:00Z', '2026-11-21T00:30:00Z', '{}', 'marked stale');
    `);
    try {
      const { status, json } = await call('/api/orchestration/runs?limit=200');
      expect(status).toBe(200);
      const byId = new Map(json.items.map((run: Json) => [run.run_id.slice(-1), run.status]));
      expect([byId.get('6'), byId.get('7')]).toEqual(['partial', 'stale']);
    } finally {
      await db.exec(
        `delete from public.lfi_runs where id::text like 'aaaaaaaa-0000-4000-8000-00000000000_' and id::text > 'aaaaaaaa-0000-4000-8000-000000000005'`,
      );
    }
  });

  it('returns decisions with their reason code and parameters, and the campaign budgets they changed', async () => {
    const { json } = await call(`/api/lead-segments/${segmentC}/decisions?from=2026-11-20&to=${yesterday}`);
    expect(json.items[0]).toMatchObject({
      reason_code: 'max_daily_change',
      reason_params: { old_budget: '600.00', new_budget: '740.00' },
      explanation: '+23%: model',
      changes: [
        {
          customer_id: '1234567890',
          campaign_id: '103',
          old_value: '600.00',
          new_value: '740.00',
          error_message: null,
        },
      ],
    });
    const older = await call(`/api/lead-segments/${segmentA}/decisions?from=2026-11-20&to=${yesterday}`);
    expect(older.json.items[0]).toMatchObject({ reason_code: null, reason_params: {} });
  });

  it('lets a platform customer without a reader role read none of them (403)', async () => {
    for (const path of [
      `/api/lead-segments/${segmentA}`,
      '/api/orchestration/kill-switch',
      '/api/orchestration/runs',
    ]) {
      const read = await call(path, customerToken);
      expect(read.status, path).toBe(403);
    }
  });

  it('shows recorded run errors to admins only', async () => {
    const reader = await server.signToken({
      sub: 'u',
      email: 'g@example.com',
      app_metadata: { role: 'growth' },
    });
    const plan = (await call('/api/orchestration/runs', reader)).json.items.find(
      (run: Json) => run.step === 'plan',
    );
    expect(plan.error_message).not.toContain('capacity query');
  });
  it('shows a restored budget as the one the account holds (the restore, not the night it undid)', async () => {
    await db.exec(`
      insert into public.channel_orchestration_log
        (segment_id, date, action_type, old_value, new_value, status, explanation)
      values ('${segmentC}', '${yesterday}', 'budget_decrease', 740.00, 600.00, 'restored', 'restored')`);
    const c = (await call(`/api/lead-segments/${segmentC}`)).json;
    expect(c.overview.current_budget).toEqual({ amount: '600.00', date: yesterday, source: 'decision' });
  });
});
