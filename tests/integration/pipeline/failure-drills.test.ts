import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import type { AdsChannel, BudgetChange, CampaignRef } from '../../../shared/ads/ads-channel.port.ts';
import { AdsUnavailableError } from '../../../shared/ads/ads-errors.ts';
import { createSimulatedMarket, type SimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import { DatabaseFunctionError, databaseCallError } from '../../../shared/db/database.errors.ts';
import type { Database, SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { addDays } from '../../../shared/domain/business-day.ts';
import { restoreNight } from '../../../shared/pipeline/restore.ts';
import { beginStepRecord, endStepRecord } from '../../../shared/pipeline/run-log.repository.ts';
import type { SystemLogEntry } from '../../../shared/pipeline/system-log.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';

// Failure drills through the state machine as CDK synthesizes it (cli/local-state-machine.ts), on
// the demo world with ten days of history up to 2026-11-24. Each drill runs a date of its own, the
// morning after it (a live run) unless it says otherwise; Step Functions' retry waits are skipped.
const seed = 11;
const fast = { retryIntervalMs: 0 };

describe.each(databaseLanes)('failure drills on $name', (lane) => {
  let db: SqlDatabase;
  let market: SimulatedMarket;

  beforeAll(async () => {
    db = await lane.open();
    market = createSimulatedMarket(db, { seed });
    await loadDemo(db, market, { days: 10, seed, today: '2026-11-25' });
  }, 600_000);
  afterAll(() => db?.close());

  const morningAfter = (date: string) => ({ now: () => new Date(`${addDays(date, 1)}T09:00:00Z`) });
  const runtimeFor = (
    date: string,
    parts: { ads?: AdsChannel; db?: Database; env?: Record<string, string>; clock?: { now(): Date } } = {},
  ): Promise<Runtime> =>
    createRuntime(loadConfig(parts.env ?? {}), {
      db: parts.db ?? db,
      ads: parts.ads ?? market,
      clock: parts.clock ?? morningAfter(date),
      logger: silentLogger,
    });

  /** The market, with every budget change it is sent recorded (and optionally slowed down or broken). */
  const recordingMarket = (
    options: {
      delayMs?: number;
      afterApply?: (customerId: string) => void;
      beforeApply?: () => Promise<void>;
    } = {},
  ) => {
    const sent: BudgetChange[] = [];
    const ads: AdsChannel = {
      name: market.name,
      dailyMetrics: async (...args) => {
        await options.beforeApply?.();
        return market.dailyMetrics(...args);
      },
      currentBudgets: (...args) => market.currentBudgets(...args),
      async applyBudgetChanges(customerId, changes, applyOptions) {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        const results = await market.applyBudgetChanges(customerId, changes, applyOptions);
        if (!applyOptions.validateOnly) sent.push(...changes);
        options.afterApply?.(customerId);
        return results;
      },
    };
    return { ads, sent };
  };

  /** A run of `date` stopped in its first step (the ads report) while it holds the lease; `release` lets it go on. */
  const runHeldAtItsFirstReport = async (date: string) => {
    let release: () => void = () => {};
    let holding: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    let blocking = true;
    const blocked = recordingMarket({
      beforeApply: () =>
        blocking
          ? new Promise<void>((resolve) => {
              blocking = false;
              release = resolve;
              holding();
            })
          : Promise.resolve(),
    });
    const first = runtimeFor(date, { ads: blocked.ads }).then((rt) => runNightlyLocally(rt, { date }, fast));
    await held;
    return { blocked, first, release: () => release() };
  };

  /** The database, with calls to `fn` failing as a passing fault would (a terminated backend) `times` times. */
  const flakyDatabase = (fn: string, times: number, failure: (inner: SqlDatabase) => Promise<never>) => {
    let failures = 0;
    const flaky: Database = {
      kind: db.kind,
      async rpc(name, args) {
        if (name === fn && failures < times) {
          failures += 1;
          return failure(db);
        }
        return db.rpc(name, args);
      },
      close: async () => {},
    };
    return { db: flaky, failures: () => failures };
  };
  const terminatedBackend = (fn: string) => async (): Promise<never> => {
    throw databaseCallError(
      DatabaseFunctionError.fromDriver(
        fn,
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    );
  };

  const decisions = (date: string) =>
    db.query<{
      segment_id: string;
      status: string;
      old_value: string;
      new_value: string;
      settles_as: string | null;
    }>(
      `select segment_id, status, old_value::text, new_value::text, settles_as from public.channel_orchestration_log
        where date = $1 order by segment_id, created_at`,
      [date],
    );
  const plans = (date: string) =>
    db.query<{ segment_id: string; budget: string | null }>(
      `select segment_id, actual_daily_budget_google_ads::text as budget from public.lead_segment_plans
        where date = $1 order by segment_id`,
      [date],
    );
  const runs = (date: string) =>
    db.query<{ step: string; status: string; execution_id: string | null }>(
      `select step, status, execution_id from public.lfi_runs where run_date = $1 order by started_at, step`,
      [date],
    );
  const mapped = async (): Promise<CampaignRef[]> =>
    (
      await db.query<{ customer_id: string; campaign_id: string }>(
        'select customer_id, campaign_id from public.lead_segment_campaigns where is_active order by campaign_id',
      )
    ).map((c) => ({ customerId: c.customer_id, campaignId: c.campaign_id }));
  const budgets = async () =>
    Object.fromEntries(
      (await market.currentBudgets(await mapped())).map((b) => [b.campaignId, b.amountMicros]),
    );
  const sentTwice = (sent: readonly BudgetChange[]) => {
    const seen = new Set<string>();
    return sent.filter((change) => {
      const duplicate = seen.has(change.budgetId);
      seen.add(change.budgetId);
      return duplicate;
    });
  };

  it.each([
    ['aggregate', 'lfi_aggregate_window', '2026-11-15'],
    ['plan', 'lfi_save_plans', '2026-11-16'],
    ['orchestrate', 'lfi_record_decisions', '2026-11-17'],
  ])('retries a database that drops out during %s, and the night succeeds', async (step, fn, date) => {
    const flaky = flakyDatabase(fn, 1, terminatedBackend(fn));
    const execution = await runNightlyLocally(await runtimeFor(date, { db: flaky.db }), { date }, fast);

    expect(execution.status).toBe('SUCCEEDED');
    expect(flaky.failures()).toBe(1);
    const ofStep = (await runs(date)).filter((r) => r.step === step).map((r) => r.status);
    expect(ofStep).toEqual(['failed', 'succeeded']);
    // Every step of one execution carries its id.
    expect(new Set((await runs(date)).map((r) => r.execution_id))).toEqual(new Set([execution.executionId]));
  });

  it.each([
    ['aggregate', 'lfi_aggregate_window', '2026-11-18'],
    ['plan', 'lfi_save_plans', '2026-11-19'],
    ['orchestrate', 'lfi_record_decisions', '2026-11-20'],
  ])(
    'fails the night when the database stays down during %s, with nothing half-written',
    async (step, fn, date) => {
      const before = await budgets();
      const flaky = flakyDatabase(fn, 100, terminatedBackend(fn));
      const execution = await runNightlyLocally(await runtimeFor(date, { db: flaky.db }), { date }, fast);

      expect(execution).toMatchObject({ status: 'FAILED', error: 'TransientError', step });
      expect(flaky.failures()).toBe(5); // the first try and four retries
      expect(await budgets()).toEqual(before);
      expect(await decisions(date)).toEqual([]);
      if (step !== 'orchestrate') expect(await plans(date)).toEqual([]);
      else expect((await plans(date)).every((p) => p.budget === null)).toBe(true);
      expect((await runs(date)).at(-1)).toMatchObject({ step: 'pipeline', status: 'failed' });
      // The lease went back with the failure: the date can run again at once.
      expect(await db.query('select * from public.lfi_run_leases where run_date = $1', [date])).toEqual([]);
    },
  );

  it.runIf(lane.name === 'postgres')(
    'retries a step whose backend the server really terminates',
    async () => {
      const date = '2026-11-21';
      // pg_terminate_backend on the call's own connection: PostgreSQL answers 57P01 through node-postgres.
      const flaky = flakyDatabase('lfi_save_plans', 1, async (inner) => {
        try {
          await inner.query('select pg_terminate_backend(pg_backend_pid())');
        } catch (error) {
          throw databaseCallError(DatabaseFunctionError.fromDriver('lfi_save_plans', error));
        }
        throw new Error('the backend was not terminated');
      });
      const execution = await runNightlyLocally(await runtimeFor(date, { db: flaky.db }), { date }, fast);
      expect(execution.status).toBe('SUCCEEDED');
      expect((await runs(date)).filter((r) => r.step === 'plan').map((r) => r.status)).toEqual([
        'failed',
        'succeeded',
      ]);
    },
  );

  it('marks the decisions failed when the ads channel is down, keeps each plan at its old budget, and ends partial', async () => {
    const date = '2026-11-22';
    const before = await budgets();
    const down: AdsChannel = {
      ...market,
      name: market.name,
      dailyMetrics: (...args) => market.dailyMetrics(...args),
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: async () => {
        throw new AdsUnavailableError('budget changes: Google Ads API could not be reached: ECONNREFUSED.');
      },
    };
    const execution = await runNightlyLocally(await runtimeFor(date, { ads: down }), { date }, fast);

    expect(execution).toMatchObject({ status: 'FAILED', error: 'PartialRun' });
    expect(execution.status === 'FAILED' && execution.cause).toMatch(
      /^\d+ budget change\(s\) failed for 2026-11-22/,
    );
    const failed = (await decisions(date)).filter((d) => d.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const planOf = new Map((await plans(date)).map((p) => [p.segment_id, p.budget]));
    for (const decision of failed) expect(planOf.get(decision.segment_id)).toBe(decision.old_value);
    expect(await budgets()).toEqual(before);
    expect((await runs(date)).map((r) => [r.step, r.status])).toEqual([
      ['aggregate', 'succeeded'],
      ['plan', 'succeeded'],
      ['orchestrate', 'partial'],
      ['pipeline', 'partial'],
    ]);
  });

  it('settles a change cut off mid-apply on the next run of the date, sending nothing twice', async () => {
    const date = '2026-11-23';
    // The connection drops after the first account's changes landed: they come back as failures.
    const cut = recordingMarket();
    let cutOnce = false;
    const cutting: AdsChannel = {
      ...cut.ads,
      async applyBudgetChanges(customerId, changes, options) {
        const results = await cut.ads.applyBudgetChanges(customerId, changes, options);
        if (cutOnce) return results;
        cutOnce = true;
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      },
    };
    const first = await runNightlyLocally(await runtimeFor(date, { ads: cutting }), { date }, fast);
    expect(first).toMatchObject({ status: 'FAILED', error: 'PartialRun' });
    const afterCut = await budgets();

    const next = recordingMarket();
    const second = await runNightlyLocally(await runtimeFor(date, { ads: next.ads }), { date }, fast);

    expect(second.status).toBe('SUCCEEDED');
    expect(next.sent).toEqual([]);
    expect(await budgets()).toEqual(afterCut);
    const settled = await decisions(date);
    expect(settled.filter((d) => d.status === 'failed' || d.status === 'applying')).toEqual([]);
    // A clamped change stays clamped when a later run settles it.
    for (const d of settled) if (d.settles_as) expect(d.status).toBe(d.settles_as);
    expect(sentTwice(cut.sent)).toEqual([]);
  });

  it('retries an Orchestrate that dies after sending its changes without sending any twice, and marks the dead attempt stale', async () => {
    const date = '2026-11-24';
    const recording = recordingMarket();
    // The settle call is lost with the Lambda, and so is its failure record: the attempt stays `running`.
    let killed = false;
    const dying: Database = {
      kind: db.kind,
      async rpc(fn, args) {
        const decisionsArg = (args as { p_decisions?: { status: string }[] } | undefined)?.p_decisions;
        const settling = fn === 'lfi_record_decisions' && decisionsArg?.every((d) => d.status !== 'applying');
        if (!killed && settling && recording.sent.length > 0) {
          killed = true;
          const error = new Error('Lambda died');
          error.name = 'Lambda.ServiceException';
          throw error;
        }
        if (killed && fn === 'lfi_end_step' && (args as { p_status?: string }).p_status === 'failed')
          return null;
        return db.rpc(fn, args);
      },
      close: async () => {},
    };
    const execution = await runNightlyLocally(
      await runtimeFor(date, { db: dying, ads: recording.ads }),
      { date },
      fast,
    );

    expect(killed).toBe(true);
    expect(execution.status).toBe('SUCCEEDED');
    expect(recording.sent.length).toBeGreaterThan(0);
    expect(sentTwice(recording.sent)).toEqual([]);
    const logged = await decisions(date);
    expect(logged.some((d) => d.status === 'clamped' || d.status === 'applied')).toBe(true);
    for (const d of logged) if (d.settles_as) expect(d.status).toBe(d.settles_as);
    expect((await runs(date)).filter((r) => r.step === 'orchestrate').map((r) => r.status)).toEqual([
      'stale',
      'succeeded',
    ]);
  });

  it('changes no live budget on a run for a past date, logs what it would have done, and the next night adopts nothing', async () => {
    const date = '2026-11-19';
    await db.query('delete from public.channel_orchestration_log where date = $1', [date]);
    const recording = recordingMarket();
    const later = { now: () => new Date('2026-11-25T09:00:00Z') };
    const execution = await runNightlyLocally(
      await runtimeFor(date, { ads: recording.ads, clock: later }),
      { date },
      fast,
    );

    expect(execution.status).toBe('SUCCEEDED');
    expect(recording.sent).toEqual([]);
    const logged = await decisions(date);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((d) => d.status === 'not_sent')).toBe(true);
    expect(logged.some((d) => d.old_value !== d.new_value)).toBe(true);
    expect((await plans(date)).every((p) => p.budget === null)).toBe(true);

    // The live night after: nothing LFI logged for the past date looks like a hand edit.
    const live = '2026-11-25';
    const night = recordingMarket();
    await runNightlyLocally(await runtimeFor(live, { ads: night.ads }), { date: live }, fast);
    expect((await decisions(live)).filter((d) => d.status === 'adopted')).toEqual([]);
  });

  it('lets two runs of one date at once send each change only once: the second waits for the first', async () => {
    const date = '2026-11-26';
    const recording = recordingMarket({ delayMs: 50 });
    const [a, b] = await Promise.all([
      runtimeFor(date, { ads: recording.ads }).then((rt) => runNightlyLocally(rt, { date }, fast)),
      runtimeFor(date, { ads: recording.ads }).then((rt) => runNightlyLocally(rt, { date }, fast)),
    ]);

    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(recording.sent.length).toBeGreaterThan(0);
    expect(sentTwice(recording.sent)).toEqual([]);
    const orchestrations = (await runs(date)).filter(
      (r) => r.step === 'orchestrate' && r.status === 'succeeded',
    );
    expect(new Set(orchestrations.slice(-2).map((r) => r.execution_id))).toEqual(
      new Set([a.executionId, b.executionId]),
    );
  });

  it('refuses a second run of a date while the first holds it, naming the holder', async () => {
    const date = '2026-11-27';
    const { first, release } = await runHeldAtItsFirstReport(date);
    const second = await runNightlyLocally(
      await runtimeFor(date, { env: { LFI_RUN_LEASE_WAIT_SECONDS: '0' } }),
      { date },
      fast,
    );
    release();
    const firstResult = await first;

    expect(second).toMatchObject({ status: 'FAILED', error: 'RunInProgressError', step: 'aggregate' });
    expect(second.status === 'FAILED' && second.cause).toContain(
      `Another run of ${date} is in progress: execution ${firstResult.executionId} holds its lease`,
    );
    expect(firstResult.status).toBe('SUCCEEDED');
  });

  it('refuses a restore while a run of the date holds its lease, sending nothing, and frees the lease after one', async () => {
    const date = '2026-12-01';
    const { blocked, first, release } = await runHeldAtItsFirstReport(date);
    const impatient = await runtimeFor(date, { ads: blocked.ads, env: { LFI_RUN_LEASE_WAIT_SECONDS: '0' } });
    const refused = await restoreNight(impatient, { date, dryRun: false }).catch((error: unknown) => error);
    const sentWhileHeld = blocked.sent.length;
    release();
    const night = await first;

    expect(refused).toMatchObject({ name: 'RunInProgressError' });
    expect((refused as Error).message).toContain(
      `Another run of ${date} is in progress: execution ${night.executionId} holds its lease`,
    );
    expect(sentWhileHeld).toBe(0);
    expect(night.status).toBe('SUCCEEDED');
    const sentByNight = blocked.sent.length;
    expect(sentByNight).toBeGreaterThan(0);

    // Once the night is done the restore goes through, and lets go of the lease: a rerun of the
    // date that will not wait starts at once.
    const restored = await restoreNight(impatient, { date, dryRun: false });
    expect(restored.segments.some((s) => s.status === 'restored')).toBe(true);
    expect(blocked.sent.length).toBeGreaterThan(sentByNight);
    const rerun = await runNightlyLocally(impatient, { date }, fast);
    expect(rerun.status).toBe('SUCCEEDED');
  });

  it('restores the budgets a night changed, skips one changed by hand since, and the next night adopts none of it', async () => {
    const date = '2026-11-28';
    const recording = recordingMarket();
    const night = await runNightlyLocally(await runtimeFor(date, { ads: recording.ads }), { date }, fast);
    expect(night.status).toBe('SUCCEEDED');
    const changed = (await decisions(date)).filter(
      (d) => (d.status === 'applied' || d.status === 'clamped') && d.old_value !== d.new_value,
    );
    expect(changed.length).toBeGreaterThan(1);
    const [byHand, ...others] = changed;
    if (!byHand) throw new Error('No change to edit by hand.');
    const [campaign] = await db.query<{ customer_id: string; campaign_id: string }>(
      'select customer_id, campaign_id from public.lead_segment_campaigns where segment_id = $1 and is_active',
      [byHand.segment_id],
    );
    if (!campaign) throw new Error('No campaign.');
    const [current] = await market.currentBudgets([
      { customerId: campaign.customer_id, campaignId: campaign.campaign_id },
    ]);
    if (!current) throw new Error('No budget.');
    await market.applyBudgetChanges(
      campaign.customer_id,
      [{ ...current, segmentId: byHand.segment_id, newAmountMicros: current.amountMicros + 3_000_000 }],
      { validateOnly: false },
    );

    const rt = await runtimeFor(date);
    const dry = await restoreNight(rt, { date, dryRun: true });
    expect(dry.segments.filter((s) => s.status === 'dry_run')).toHaveLength(others.length);
    const result = await restoreNight(rt, { date, dryRun: false });

    expect(result.segments.find((s) => s.segmentId === byHand.segment_id)).toMatchObject({
      status: 'skipped',
      explanation: expect.stringMatching(/changed since 2026-11-28/),
    });
    expect(result.segments.filter((s) => s.status === 'restored')).toHaveLength(others.length);
    const segmentBudget = async (segmentId: string) => {
      const refs = await db.query<{ customer_id: string; campaign_id: string }>(
        'select customer_id, campaign_id from public.lead_segment_campaigns where segment_id = $1 and is_active',
        [segmentId],
      );
      const found = await market.currentBudgets(
        refs.map((r) => ({ customerId: r.customer_id, campaignId: r.campaign_id })),
      );
      return found.reduce((sum, b) => sum + b.amountMicros, 0);
    };
    for (const d of others)
      expect(await segmentBudget(d.segment_id)).toBe(Math.round(Number(d.old_value) * 1e6));
    // Restoring again changes nothing: every budget already is its value before the night.
    const again = await restoreNight(rt, { date, dryRun: false });
    expect(again.segments.every((s) => s.status === 'skipped')).toBe(true);

    // The next night steers from the restored budgets: they are LFI's, not hand edits.
    const next = addDays(date, 1);
    await runNightlyLocally(await runtimeFor(next), { date: next }, fast);
    const adopted = (await decisions(next)).filter((d) => d.status === 'adopted').map((d) => d.segment_id);
    expect(adopted).toEqual([byHand.segment_id]);
  });
  it("ends a step in one call: its run record, its log lines and the lease's release land together or not at all", async () => {
    const date = '2026-11-29';
    const holder = 'local:bookkeeping-drill';
    const begun = await beginStepRecord(db, { date, step: 'plan', dryRun: true, holder, ttlSeconds: 600 });
    expect(begun).toMatchObject({ acquired: true, holder });
    const runId = begun.runId ?? '';
    const statuses = async () =>
      (await runs(date)).filter((r) => r.execution_id === holder).map((r) => r.status);
    const leases = () =>
      db.query<{ holder: string }>('select holder from public.lfi_run_leases where run_date = $1', [date]);
    const lines = () =>
      db.query<{ level: string; message: string }>(
        `select level, message from public.lfi_system_log where context->>'run_id' = $1 order by id`,
        [runId],
      );

    // A line the log refuses (no such level) undoes the whole end: the run stays running, the lease held.
    const refused = { level: 'loud', source: 'pipeline.plan', message: 'x', context: { run_id: runId } };
    await expect(
      endStepRecord(db, runId, {
        status: 'succeeded',
        log: [refused as unknown as SystemLogEntry],
        releaseLease: true,
      }),
    ).rejects.toThrow(/lfi_end_step/);
    expect(await statuses()).toEqual(['running']);
    expect(await leases()).toEqual([{ holder }]);
    expect(await lines()).toEqual([]);

    const context = { run_id: runId };
    await endStepRecord(db, runId, {
      status: 'partial',
      counts: { failed: 1 },
      log: [
        { level: 'warn', source: 'pipeline.plan', message: 'first', context },
        { level: 'info', source: 'orchestrate', message: 'second', context },
      ],
      releaseLease: true,
    });
    expect(await statuses()).toEqual(['partial']);
    expect(await leases()).toEqual([]);
    expect(await lines()).toEqual([
      { level: 'warn', message: 'first' },
      { level: 'info', message: 'second' },
    ]);
  });

  it('refuses a date after yesterday before anything runs', async () => {
    const execution = await runNightlyLocally(await runtimeFor('2026-11-25'), { date: '2026-12-10' }, fast);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InputError' });
    expect(execution.status === 'FAILED' && execution.cause).toContain('date 2026-12-10 is after yesterday');
    expect(await db.query(`select 1 from public.lfi_runs where run_date = '2026-12-10'`)).toEqual([]);
  });
});
