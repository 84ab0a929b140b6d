import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';
import { seedApiData, segmentA, startTestServer } from './api-fixtures.ts';

/**
 * A failed step records its error as it was thrown, which for a database failure names the SQL
 * function and the SQLSTATE. The growth team reads the status too; such details are for admins.
 */
const databaseFailure =
  'Database function lfi_plan_inputs failed (57014): canceling statement due to statement timeout';
const adsFailure = 'Database function lfi_record_decisions failed (23505): duplicate key value';

describe.each(databaseLanes)('error details in reads on $name', (lane) => {
  let db: SqlDatabase;
  let server: LocalServer;
  let growth: string;
  beforeAll(async () => {
    db = await lane.open();
    await seedApiData(db);
    await db.query(
      `insert into public.lfi_runs (run_date, step, status, started_at, finished_at, error_message)
       values ('2026-11-24', 'aggregate', 'failed', '2026-11-25T01:00:00Z', '2026-11-25T01:00:05Z', $1)`,
      [databaseFailure],
    );
    await db.query(
      `insert into public.channel_orchestration_log
         (segment_id, date, action_type, old_value, new_value, status, explanation, error_message, created_at)
       values ($1, '2026-11-22', 'budget_increase', 20.00, 25.00, 'failed', 'Gap of 4 leads: +20%', $2, '2026-11-23T00:03:00Z')`,
      [segmentA, adsFailure],
    );
    server = await startTestServer(db);
    growth = await server.signToken({ sub: 'growth-1', app_metadata: { role: 'growth' } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const read = async (path: string, token: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, text: await response.text() };
  };
  const paths = ['/api/orchestration/status', `/api/lead-segments/${segmentA}/decisions?from=2026-11-01`];

  it('shows the growth team that something failed, never which SQL function or SQLSTATE', async () => {
    for (const path of paths) {
      const { status, text } = await read(path, growth);
      expect(status, path).toBe(200);
      expect(text, path).not.toMatch(/lfi_\w+|\(\d{5}\)|57014|23505|SQLSTATE|Database function/);
      expect(text, path).toContain('"status":"failed"');
    }
    const body = JSON.parse((await read(paths[0] ?? '', growth)).text);
    expect(body.failures.runs[0].error_message).toMatch(/failed/i);
    expect(
      body.failures.runs.find((run: { error_message: string }) => run.error_message === null),
    ).toBeUndefined();
  });

  it('shows an admin the error as it was recorded', async () => {
    const status = await read(paths[0] ?? '', server.token);
    expect(status.text).toContain(databaseFailure);
    const decisions = await read(paths[1] ?? '', server.token);
    expect(decisions.text).toContain(adsFailure);
  });
});
