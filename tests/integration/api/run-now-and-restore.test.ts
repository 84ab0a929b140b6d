import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localNightlyStarter } from '../../../cli/local-nightly-starter.ts';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { type LocalServer, startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { restoreNight } from '../../../shared/pipeline/restore.ts';
import { acquireRunLease } from '../../../shared/pipeline/run-lease.repository.ts';
import { executionArn, stepFunctionsStarter } from '../../../shared/pipeline/step-functions.starter.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';

// The server's clock says 25 November (Amsterdam): "yesterday" is the 24th.
const clock = { now: () => new Date('2026-11-25T10:00:00Z') };
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:NightlyPipeline';
const sfn = mockClient(SFNClient);

describe.each(databaseLanes)('run yesterday now and restore a night, from the API ($name)', (lane) => {
  let db: SqlDatabase;
  let runtime: Runtime;
  const servers: LocalServer[] = [];

  beforeAll(async () => {
    db = await lane.open();
    const market = createSimulatedMarket(db, { seed: 11 });
    await loadDemo(db, market, { days: 10, seed: 11, today: '2026-11-25' });
    runtime = await createRuntime(loadConfig({}), { db, ads: market, clock, logger: silentLogger });
  });
  afterEach(async () => {
    sfn.reset();
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await db.query('delete from public.lfi_run_leases');
  });
  afterAll(async () => {
    await db.close();
  });

  const serve = async (actions: Parameters<typeof startLocalServer>[0]['actions']) => {
    const server = await startLocalServer({ runtime, port: 0, ...(actions ? { actions } : {}) });
    servers.push(server);
    return server;
  };
  const post = async (server: LocalServer, path: string, body?: unknown, token = server.token) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const leases = () =>
    db.query<{ run_date: string; holder: string }>(
      `select run_date::text, holder from public.lfi_run_leases order by run_date`,
    );

  it('in AWS starts the state machine for yesterday, holding the lease in the execution’s name', async () => {
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: executionArn(stateMachineArn, input.name),
      startDate: new Date(),
    }));
    const server = await serve({ nightly: stepFunctionsStarter(stateMachineArn, new SFNClient({})) });

    const started = await post(server, '/api/orchestration/runs');
    expect(started.status).toBe(201);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const request = calls[0]?.args[0].input;
    expect(request).toEqual({
      stateMachineArn,
      name: expect.stringMatching(/^2026-11-24-manual-[0-9a-f-]{36}$/),
      input: JSON.stringify({ date: '2026-11-24', startedBy: 'dashboard: admin@localhost' }),
    });
    const arn = `arn:aws:states:eu-west-1:123456789012:execution:NightlyPipeline:${request?.name}`;
    expect(started.body).toEqual({
      date: '2026-11-24',
      execution_id: arn,
      started_by: 'dashboard: admin@localhost',
    });
    expect(await leases()).toEqual([{ run_date: '2026-11-24', holder: arn }]);

    // Pressed again while that run holds the date: refused in a sentence, nothing started.
    const again = await post(server, '/api/orchestration/runs');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `A run of 2026-11-24 is in progress: execution ${arn} holds its lease (until ${again.body.error.message.match(/until ([^)]+)\)/)?.[1]}); nothing was started, wait for it to finish.`,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('gives the lease back when Step Functions refuses the start', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('ExecutionLimitExceeded'));
    const server = await serve({ nightly: stepFunctionsStarter(stateMachineArn, new SFNClient({})) });
    const started = await post(server, '/api/orchestration/runs');
    expect(started.status).toBe(500);
    expect(await leases()).toEqual([]);
  });

  it('refuses while a run of yesterday holds the lease (e.g. the schedule’s)', async () => {
    await acquireRunLease(db, { date: '2026-11-24', holder: 'local:the-schedule', ttlSeconds: 600 });
    const starter = localNightlyStarter(runtime);
    const server = await serve({ nightly: starter });
    const refused = await post(server, '/api/orchestration/runs');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /^A run of 2026-11-24 is in progress: execution local:the-schedule holds its lease \(until .+\); nothing was started, wait for it to finish\.$/,
    );
    expect(await starter.settled()).toEqual([]);
  });

  it('refuses a restore at once while a run of the night, or of yesterday, holds its lease, naming the holder', async () => {
    await acquireRunLease(db, { date: '2026-11-24', holder: 'local:the-schedule', ttlSeconds: 600 });
    const server = await serve({ restore: (request) => restoreNight(runtime, request) });
    const started = performance.now();
    const refused = await post(server, '/api/orchestration/restores', { date: '2026-11-24' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /^Another run of 2026-11-24 is in progress: execution local:the-schedule holds its lease \(since .+, until .+\)\. Try again when it has finished/,
    );
    // Not the CLI's 60 s wait: the writes Lambda would time out first.
    expect(performance.now() - started).toBeLessThan(5_000);
    // An older night too: the run of yesterday is the one changing live budgets right now.
    const older = await post(server, '/api/orchestration/restores', { date: '2026-11-23' });
    expect(older.status).toBe(409);
    expect(older.body.error.message).toMatch(
      /^Another run of 2026-11-24 is in progress: execution local:the-schedule/,
    );
  });

  it('restores the night: a dry run changes nothing, then every budget the night changed is put back', async () => {
    const budgets = () =>
      db.query<{ code: string; campaign_id: string; budget_micros: string }>(
        `select s.code, c.campaign_id, c.budget_micros::text
           from public.lfi_sim_campaigns c
           join public.lead_segment_campaigns m using (customer_id, campaign_id)
           join public.lead_segments s on s.id = m.segment_id
          order by c.campaign_id`,
      );
    const before = await budgets();
    const night = await runNightlyLocally(runtime, { date: '2026-11-24' });
    expect(night.status).toBe('SUCCEEDED');
    const changedByNight = await budgets();
    const changed = changedByNight.filter((row, i) => row.budget_micros !== before[i]?.budget_micros).length;
    expect(changed).toBeGreaterThan(0);
    const server = await serve({ restore: (request) => restoreNight(runtime, request) });

    const dry = await post(server, '/api/orchestration/restores', { date: '2026-11-24', dry_run: true });
    expect(dry.status).toBe(200);
    // One restore per segment the night changed (a segment may have more than one campaign).
    const [segments] = await db.query<{ n: number }>(
      `select count(*)::int as n from public.channel_orchestration_log
        where date = '2026-11-24' and status in ('applied', 'clamped') and old_value <> new_value`,
    );
    expect(segments?.n).toBeGreaterThan(0);
    expect(dry.body).toMatchObject({ date: '2026-11-24', dry_run: true, failed: 0 });
    expect(dry.body.restored + dry.body.skipped).toBe(segments?.n);
    expect(dry.body.restored).toBeGreaterThan(0);
    expect(await budgets()).toEqual(changedByNight);

    const restore = await post(server, '/api/orchestration/restores', { date: '2026-11-24' });
    expect(restore.status).toBe(200);
    expect(restore.body).toMatchObject({ dry_run: false, restored: dry.body.restored, failed: 0 });
    // Put back, except where the guardrails' budget range keeps it (each says so).
    const skipped = new Set<string>(
      restore.body.segments
        .filter((s: { status: string }) => s.status === 'skipped')
        .map((s: { code: string }) => s.code),
    );
    const kept = (rows: Awaited<ReturnType<typeof budgets>>) => rows.filter((r) => !skipped.has(r.code));
    expect(kept(await budgets())).toEqual(kept(before));
    expect(kept(changedByNight)).not.toEqual(kept(before));

    const bad = await post(server, '/api/orchestration/restores', { date: '2026-11-25' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/2026-11-25/);
  });

  it('locally runs the nightly state machine the way lfi run does; the runs show who started it', async () => {
    const starter = localNightlyStarter(runtime);
    const server = await serve({ nightly: starter, restore: (request) => restoreNight(runtime, request) });
    const started = await post(server, '/api/orchestration/runs');
    expect(started.status).toBe(201);
    const [result] = await starter.settled();
    expect(result).toMatchObject({ status: 'SUCCEEDED', executionId: started.body.execution_id });
    const runs = await db.query<{ step: string; status: string; started_by: string }>(
      `select step, status, started_by from public.lfi_runs where execution_id = $1 order by started_at`,
      [started.body.execution_id],
    );
    expect(runs.map((r) => `${r.step} ${r.status} ${r.started_by}`)).toEqual([
      'aggregate succeeded dashboard: admin@localhost',
      'plan succeeded dashboard: admin@localhost',
      'orchestrate succeeded dashboard: admin@localhost',
    ]);
    expect(await leases()).toEqual([]); // the run gave it back
  });

  it('is for admins only', async () => {
    const server = await serve({
      nightly: localNightlyStarter(runtime),
      restore: (request) => restoreNight(runtime, request),
    });
    const growth = await server.signToken({ sub: 'growth-1', app_metadata: { role: 'growth' } });
    expect((await post(server, '/api/orchestration/runs', undefined, growth)).status).toBe(403);
    expect((await post(server, '/api/orchestration/restores', { date: '2026-11-24' }, growth)).status).toBe(
      403,
    );
    expect(await leases()).toEqual([]);
  });
});
