import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { type DecisionReasonData, renderReason } from '../../../shared/domain/decision-reason.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';

// Every decision a night logs carries its reason as data; read back from the database, it says
// in English exactly what the stored line says. Runs started here record who started them.
describe.each(databaseLanes)('decision reasons and run starters on $name', (lane) => {
  let db: SqlDatabase;
  let runtime: Runtime;
  // Each night runs the morning after its date: only then may it send changes.
  let today = new Date('2026-11-25T10:00:00Z');
  const clock = { now: () => today };

  beforeAll(async () => {
    db = await lane.open();
    const market = createSimulatedMarket(db, { seed: 5 });
    await loadDemo(db, market, { days: 10, seed: 5, today: '2026-11-25' });
    runtime = await createRuntime(loadConfig({}), { db, ads: market, clock, logger: silentLogger });
  }, 600_000);
  afterAll(() => db?.close());

  it('logs a reason code and parameters with every decision, matching its explanation', async () => {
    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    const rows = await db.query<{ reason_code: string | null; reason_params: unknown; explanation: string }>(
      `select reason_code, reason_params, explanation from public.channel_orchestration_log where date = '2026-11-24'`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.reason_code, row.explanation).not.toBeNull();
      const reason = { code: row.reason_code, params: row.reason_params } as DecisionReasonData;
      expect(renderReason(reason)).toBe(row.explanation);
    }
    expect(new Set(rows.map((row) => row.reason_code)).size).toBeGreaterThan(1);
  });

  it('keeps the reasons of a night when a rerun finds everything decided', async () => {
    const before = await db.query(
      `select id, reason_code, reason_params from public.channel_orchestration_log where date = '2026-11-24' order by id`,
    );
    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    const after = await db.query(
      `select id, reason_code, reason_params from public.channel_orchestration_log where date = '2026-11-24' order by id`,
    );
    expect(after).toEqual(before);
  });

  it('records that a run was started on this machine, and a paused segment as paused', async () => {
    const starters = await db.query<{ started_by: string | null }>(
      'select distinct started_by from public.lfi_runs',
    );
    expect(starters).toEqual([{ started_by: 'lfi' }]);
    const [segment] = await db.query<{ id: string }>(
      `select segment_id as id from public.channel_orchestration_log where date = '2026-11-24' limit 1`,
    );
    await db.query('update public.lead_segments set orchestration_paused = true where id = $1', [
      segment?.id,
    ]);
    today = new Date('2026-11-26T10:00:00Z');
    expect((await runNightlyLocally(runtime, { date: '2026-11-25' })).status).toBe('SUCCEEDED');
    const [paused] = await db.query<{ reason_code: string }>(
      `select reason_code from public.channel_orchestration_log where segment_id = $1 and date = '2026-11-25'`,
      [segment?.id],
    );
    expect(paused?.reason_code).toBe('paused');
  });
});
