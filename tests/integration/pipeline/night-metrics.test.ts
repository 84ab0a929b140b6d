import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import type { AdsChannel } from '../../../shared/ads/ads-channel.port.ts';
import { AdsUnavailableError } from '../../../shared/ads/ads-errors.ts';
import { createSimulatedMarket, type SimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import type { Alert } from '../../../shared/alerts/alerts.port.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { addDays } from '../../../shared/domain/business-day.ts';
import { logBackfill } from '../../../shared/pipeline/system-log.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { emfMetrics, powertoolsLogger } from '../../../shared/runtime/powertools.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';
import { captureOutput, jsonLines } from '../../support/capture-output.ts';
import { databaseLanes } from '../../support/databases.ts';

// The nightly state machine as CDK synthesizes it, on the demo world, with Powertools Metrics as
// in Lambda: the EMF documents printed are compared with what the run recorded.
const seed = 11;
const fast = { retryIntervalMs: 0 };

interface Emf {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
  readonly [metric: string]: unknown;
}

describe.each(databaseLanes)('the nightly run’s metrics and gap alerts on $name', (lane) => {
  let db: SqlDatabase;
  let market: SimulatedMarket;

  beforeAll(async () => {
    db = await lane.open();
    market = createSimulatedMarket(db, { seed });
    await loadDemo(db, market, { days: 10, seed, today: '2026-11-25' });
  }, 600_000);
  afterAll(() => db?.close());

  const night = async (date: string, ads: AdsChannel = market, logger = silentLogger) => {
    const alerts: Alert[] = [];
    const runtime = await createRuntime(loadConfig({}), {
      db,
      ads,
      clock: { now: () => new Date(`${addDays(date, 1)}T09:00:00Z`) },
      logger,
      metrics: emfMetrics('lead-flow-intelligence'),
      alerts: { name: 'log', publish: async (alert) => void alerts.push(alert) },
    });
    const { result, lines } = await captureOutput(() => runNightlyLocally(runtime, { date }, fast));
    const emf = jsonLines(lines).filter((line): line is Emf => '_aws' in line);
    for (const document of emf)
      expect(document._aws.CloudWatchMetrics.map((m) => m.Namespace)).toEqual(['LeadFlowIntelligence']);
    /** Every value of a metric over the run's documents. */
    const values = (name: string) => emf.flatMap((d) => (name in d ? [d[name]].flat() : [])) as number[];
    return {
      execution: result,
      values,
      alerts,
      logLines: jsonLines(lines).filter((line) => 'level' in line),
    };
  };
  const decisions = (date: string) =>
    db.query<{ status: string; old_value: string; new_value: string }>(
      `select status, old_value::text, new_value::text from public.channel_orchestration_log
        where date = $1 and status <> 'dry_run'`,
      [date],
    );
  const systemLog = async (date: string) =>
    (
      await db.query<{ level: string; source: string; message: string }>(
        `select level, source, message from public.lfi_system_log where context ->> 'run_date' = $1 order by id`,
        [date],
      )
    ).map((l) => [l.level, l.source, l.message]);
  const plans = (date: string) =>
    db.query<{ gap: number }>(
      'select lead_gap_percentage::float8 as gap from public.lead_segment_plans where date = $1 order by segment_id',
      [date],
    );

  it('prints segments planned, the gap of each, unsegmented leads, and the changes with the euros they moved', async () => {
    const date = '2026-11-24';
    const { execution, values, logLines } = await night(
      date,
      market,
      powertoolsLogger('lead-flow-intelligence'),
    );
    expect(execution.status).toBe('SUCCEEDED');
    // Powertools Logger as in Lambda: each step's lines carry the step, date, execution and run.
    const finished = logLines.filter((line) => line.message === 'orchestrate succeeded');
    expect(finished).toEqual([
      expect.objectContaining({
        level: 'INFO',
        step: 'orchestrate',
        date,
        executionId: execution.executionId,
      }),
    ]);
    expect(typeof finished[0]?.runId).toBe('string');
    const planned = await plans(date);
    expect(values('SegmentsPlanned')).toEqual([planned.length]);
    expect([...values('GapPercent')].sort((a, b) => a - b)).toEqual(
      planned.map((p) => p.gap).sort((a, b) => a - b),
    );
    const [unsegmented] = await db.query<{ n: number }>(
      `select (counts->>'unsegmented_leads')::int as n from public.lfi_runs where run_date = $1 and step = 'aggregate'`,
      [date],
    );
    expect(values('UnsegmentedLeads')).toEqual([unsegmented?.n]);

    const logged = await decisions(date);
    const landed = logged.filter((d) => d.status === 'applied' || d.status === 'clamped');
    expect(landed.length).toBeGreaterThan(0);
    expect(values('ChangesApplied')).toEqual([landed.length]);
    expect(values('ChangesSkipped')).toEqual([logged.filter((d) => d.status === 'skipped').length]);
    expect(values('ChangesFailed')).toEqual([0]);
    expect(await systemLog(date)).toEqual([
      [
        'info',
        'orchestrate',
        expect.stringMatching(
          new RegExp(
            `^orchestrate ${date}: \\d+ increased, \\d+ decreased, \\d+ skipped, 0 failed, 0 already decided$`,
          ),
        ),
      ],
    ]);
    const cents = landed.reduce(
      (sum, d) =>
        sum + Math.abs(Math.round(Number(d.new_value) * 100) - Math.round(Number(d.old_value) * 100)),
      0,
    );
    expect(values('BudgetChangedEuros')).toEqual([cents / 100]);
  }, 120_000);

  it('counts the failed changes of a night the ads channel refused, which ends partial', async () => {
    const date = '2026-11-25';
    await db.exec(
      `insert into public.lfi_settings (key, value) values ('gap_alerts', '{"gapPercent": 1, "days": 1}')`,
    );
    const down: AdsChannel = {
      name: market.name,
      dailyMetrics: (...args) => market.dailyMetrics(...args),
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: async () => {
        throw new AdsUnavailableError('budget changes: Google Ads API could not be reached: ECONNREFUSED.');
      },
    };
    const { execution, values, alerts } = await night(date, down);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'PartialRun' });
    const failed = (await decisions(date)).filter((d) => d.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(values('ChangesFailed')).toEqual([failed.length]);
    expect(values('ChangesApplied')).toEqual([0]);

    // Through the state machine, the plan step raised one alert per segment beyond ±1% that night.
    const beyond = (await plans(date)).filter((p) => Math.abs(p.gap) > 1);
    expect(alerts).toHaveLength(beyond.length);
    for (const alert of alerts)
      expect(alert.link).toMatch(/^http:\/\/localhost:8787\/#\/segment\/[0-9a-f-]{36}$/);

    // The system log has the night's failed changes, its orchestration and the partial night.
    const logged = await systemLog(date);
    expect(logged.map(([level, source]) => [level, source])).toEqual([
      ['warn', 'pipeline.orchestrate'],
      ['info', 'orchestrate'],
      ['warn', 'pipeline'],
    ]);
    expect(logged[0]?.[2]).toBe(`${failed.length} budget change(s) failed for ${date}`);
    expect(logged[1]?.[2]).toMatch(
      new RegExp(`^orchestrate ${date}: 0 increased, 0 decreased, \\d+ skipped, ${failed.length} failed`),
    );
    expect(logged[2]?.[2]).toMatch(new RegExp(`^LFI nightly run for ${date} was partial: PartialRun`));
  }, 120_000);

  it('writes an aggregation error to the system log, with the run and the execution', async () => {
    const date = '2026-11-23';
    const broken: AdsChannel = {
      name: market.name,
      dailyMetrics: async () => {
        throw new Error('the ads report came back malformed');
      },
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: (...args) => market.applyBudgetChanges(...args),
    };
    const { execution } = await night(date, broken);
    expect(execution).toMatchObject({ status: 'FAILED', step: 'aggregate' });
    const logged = await db.query<{
      level: string;
      source: string;
      message: string;
      context: Record<string, unknown>;
    }>(
      `select level, source, message, context from public.lfi_system_log where context ->> 'run_date' = $1 order by id`,
      [date],
    );
    expect(logged.map((l) => [l.level, l.source])).toEqual([
      ['error', 'pipeline.aggregate'],
      ['error', 'pipeline'],
    ]);
    expect(logged[0]?.message).toBe('the ads report came back malformed');
    expect(logged[1]?.message).toMatch(
      /^LFI nightly run for 2026-11-23 failed: Error — the ads report came back malformed/,
    );
    expect(logged[0]?.context).toMatchObject({ run_date: date, execution_id: execution.executionId });
    expect(typeof logged[0]?.context.run_id).toBe('string');
  }, 120_000);

  it('logs a backfill as one line, and never lets a broken system log fail the caller', async () => {
    const runtime = await createRuntime(loadConfig({}), { db, ads: market, logger: silentLogger });
    await logBackfill(runtime, { from: '2026-11-01', to: '2026-11-21', days: 21, failed: 1 });
    const [entry] = await db.query<{ level: string; message: string; context: unknown }>(
      `select level, message, context from public.lfi_system_log where source = 'backfill'`,
    );
    expect(entry).toEqual({
      level: 'warn',
      message: 'backfill 2026-11-01 to 2026-11-21: 20 of 21 days ran, 1 failed',
      context: { from: '2026-11-01', to: '2026-11-21', days: 21, failed: 1 },
    });
    const errors: unknown[] = [];
    const down = await createRuntime(loadConfig({}), {
      db: {
        kind: 'postgres',
        rpc: async () => Promise.reject(new Error('connection refused')),
        close: async () => {},
      },
      ads: market,
      logger: { ...silentLogger, error: (_message, context) => void errors.push(context) },
    });
    await expect(
      logBackfill(down, { from: '2026-11-01', to: '2026-11-02', days: 2, failed: 0 }),
    ).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
