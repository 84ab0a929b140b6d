import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckNightHandler } from '../../../lambdas/check-night/handler.ts';
import type { Alert } from '../../../shared/alerts/alerts.port.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { localLambdaContext } from '../../../shared/runtime/local-lambda-context.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { emfMetrics } from '../../../shared/runtime/powertools.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';
import { captureOutput, jsonLines } from '../../support/capture-output.ts';
import { databaseLanes } from '../../support/databases.ts';

describe.each(databaseLanes)('the morning check for a missing run on $name', (lane) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await lane.open();
  });
  afterAll(() => db?.close());

  /** The scheduled Lambda at 07:00 Amsterdam (06:00 UTC in winter) on the morning of `morning`. */
  const check = async (morning: string) => {
    const sent: Alert[] = [];
    const runtime = await createRuntime(loadConfig({ LFI_DASHBOARD_URL: 'https://lfi.example.com/' }), {
      db,
      clock: { now: () => new Date(`${morning}T06:00:00Z`) },
      logger: silentLogger,
      alerts: { name: 'log', publish: async (alert) => void sent.push(alert) },
      metrics: emfMetrics('lead-flow-intelligence'),
    });
    const handler = createCheckNightHandler(async () => runtime);
    const { result, lines } = await captureOutput(() =>
      handler({}, localLambdaContext('lfi-check-night', 30_000)),
    );
    // The NightSucceeded metric the NightMissing alarm watches.
    const printed = jsonLines(lines).flatMap((d) => ('NightSucceeded' in d ? [d.NightSucceeded] : []));
    expect(printed).toEqual([result.succeeded ? 1 : 0]);
    return { result, sent };
  };
  const run = (date: string, step: string, status: string, dryRun = false) =>
    db.query(
      `insert into public.lfi_runs (run_date, step, status, dry_run, finished_at) values ($1, $2, $3, $4, now())`,
      [date, step, status, dryRun],
    );

  it('alerts when no step of the night ran, saying what to start and where to look', async () => {
    const { result, sent } = await check('2026-11-25');
    expect(result).toMatchObject({ date: '2026-11-24', succeeded: false });
    expect(sent).toEqual([
      {
        kind: 'missing_run',
        subject: 'LFI nightly run missing (2026-11-24)',
        explanation:
          'No succeeded nightly run for 2026-11-24 by 07:00 Europe/Amsterdam (no step of it ran). Start it from the Step Functions console with {"date": "2026-11-24"}.',
        link: 'https://lfi.example.com/#/status',
      },
    ]);
  });

  it('alerts for a night that stopped, or only dry-ran, naming how far it got', async () => {
    await run('2026-11-25', 'aggregate', 'succeeded');
    await run('2026-11-25', 'plan', 'failed');
    await run('2026-11-25', 'orchestrate', 'succeeded', true);
    const { sent } = await check('2026-11-26');
    expect(sent.map((a) => a.explanation)).toEqual([
      'No succeeded nightly run for 2026-11-25 by 07:00 Europe/Amsterdam (its latest runs: aggregate succeeded, plan failed). Start it from the Step Functions console with {"date": "2026-11-25"}.',
    ]);
  });

  it('stays quiet when the night succeeded', async () => {
    await run('2026-11-26', 'orchestrate', 'partial');
    await run('2026-11-26', 'orchestrate', 'succeeded');
    const { result, sent } = await check('2026-11-27');
    expect(result).toEqual({ date: '2026-11-26', succeeded: true, alerted: null });
    expect(sent).toEqual([]);
  });
});
