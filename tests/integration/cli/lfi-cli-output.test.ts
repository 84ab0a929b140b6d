import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.ts';
import { isSqlDatabase, type SqlDatabase } from '../../../shared/db/database.port.ts';
import { migrate } from '../../../shared/db/migrate.ts';
import { openDatabase } from '../../../shared/db/open-database.ts';
import { addDays, yesterday } from '../../../shared/domain/business-day.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/lfi.ts', import.meta.url).pathname;

async function withDatabase<T>(dataDir: string, work: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig({ LFI_DATA_DIR: dataDir }));
  if (!isSqlDatabase(db)) throw new Error('The embedded database speaks SQL.');
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** Every euro amount of a text, as written. */
const amounts = (text: string) => text.match(/-?€\s?\d(?:[\d.,]*\d)?/g) ?? [];

// What `npm start` and `lfi run` tell the person who reads them, on the Quick start's database.
describe('lfi output a person reads', () => {
  let dir: string;
  let dataDir: string;
  let start: { stdout: string; stderr: string; seconds: number };
  const live = yesterday(new Date(), 'Europe/Amsterdam');
  const lfi = (...args: string[]) =>
    run(process.execPath, [bin, ...args], {
      env: { ...process.env, LFI_DATA_DIR: dataDir, DATABASE_URL: '', SUPABASE_URL: '' },
      maxBuffer: 64 * 1024 * 1024,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lfi-cli-output-'));
    dataDir = join(dir, 'db');
    const started = performance.now();
    const { stdout, stderr } = await lfi('start');
    start = { stdout, stderr, seconds: (performance.now() - started) / 1000 };
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the demo real history on the first npm start: plans and unsent decisions for its past days', async () => {
    const history = await withDatabase(dataDir, async (db) => ({
      planned: await db.query<{ date: string }>(
        'select distinct date::text from public.lead_segment_plans order by 1',
      ),
      statuses: await db.query<{ status: string; live: boolean }>(
        'select distinct status, date = $1::date as live from public.channel_orchestration_log',
        [live],
      ),
    }));
    // 28 days of demo data: the 27 before yesterday as history, then yesterday's real night.
    expect(history.planned.map((row) => row.date)).toEqual(
      Array.from({ length: 28 }, (_, i) => addDays(live, i - 27)),
    );
    expect(history.statuses.filter((row) => !row.live).map((row) => row.status)).toEqual(['not_sent']);
    expect(history.statuses.some((row) => row.live && row.status !== 'not_sent')).toBe(true);
    expect(start.stdout).toMatch(/History: 27 past nights planned and decided \(not sent\)/);
    // Measured on the 2-core machine: about half a minute.
    expect(start.seconds).toBeLessThan(120);
  });

  it('prints a run table that fits 120 columns, with money in one format', async () => {
    const lines = start.stdout.split('\n');
    const header = lines.findIndex((line) => /^segment\s+capacity\s+target\s+actual\s+gap %/.test(line));
    expect(header).toBeGreaterThanOrEqual(0);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(120);
    const money = amounts(start.stdout);
    expect(money.length).toBeGreaterThan(50);
    // €1,234.56 (or €1,234 for a model's estimate): never "€ 489.522,42" beside "€87.00".
    for (const amount of money) expect(amount).toMatch(/^-?€\d{1,3}(,\d{3})*(\.\d{2})?$/);
  });

  it('writes its alerts in 120 columns too, and no progress bar where stderr is not a terminal', async () => {
    // The demo's history has segments far off target for days: the night of yesterday alerts them.
    expect(start.stderr).toMatch(/^ALERT LFI gap alert: /m);
    expect(start.stderr).not.toMatch(/\r|\[#*\.+\] \d+\/\d+/);
    for (const line of start.stderr.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(120);
  });

  it('says what the night did in sentences that add up to its decisions', async () => {
    const { stdout } = await lfi('run', '--date', live, '--json');
    const segments = JSON.parse(stdout).segments as {
      decision: { action_type: string; status: string } | null;
    }[];
    const changed = (type: string) =>
      segments.filter(
        (s) => s.decision?.action_type === type && ['applied', 'clamped'].includes(s.decision.status),
      ).length;
    const lowered = changed('budget_decrease');
    const raised = changed('budget_increase');
    const failed = segments.filter((s) => s.decision?.status === 'failed').length;
    const alone = segments.length - lowered - raised - failed;
    const sentence = new RegExp(
      `^${lowered} budgets? lowered, ${raised} raised, ${alone} left alone(: [a-z0-9 ,'’]+)?\\.$`,
      'm',
    );
    // The sentence wraps at 120 columns, its continuation indented by two.
    expect(start.stdout.replace(/\n {2}/g, ' ')).toMatch(sentence);
    expect(start.stdout).not.toMatch(/decisions \{/);
  });

  it('says a rerun of a decided date changed nothing, instead of reprinting the table', async () => {
    const { stdout } = await lfi('run', '--date', live);
    expect(stdout).toMatch(new RegExp(`${live} was decided already[^\\n]*: this run changed nothing`));
    expect(stdout).not.toMatch(/^segment\s+capacity/m);
  });

  it('gives money in --json as strings with two decimals, as the API does', async () => {
    const past = addDays(live, -3);
    const { segments } = JSON.parse((await lfi('run', '--date', past, '--json')).stdout) as {
      segments: { budget: unknown; decision: { old_value: unknown; new_value: unknown } | null }[];
    };
    const money = segments.flatMap((s) => [s.budget, s.decision?.old_value, s.decision?.new_value]);
    expect(money.filter((value) => value !== null && value !== undefined).length).toBeGreaterThan(50);
    for (const value of money)
      if (value !== null && value !== undefined) expect(value).toMatch(/^\d+\.\d{2}$/);
  });

  it('reloads the demo with lfi demo --reset: the same data set, without the nights run since', async () => {
    const counts = (db: SqlDatabase) =>
      db.query<{ segments: number; leads: number; runs: number; live: number }>(
        `select (select count(*)::int from public.lead_segments) as segments,
                (select count(*)::int from public.leads) as leads,
                (select count(*)::int from public.lfi_runs) as runs,
                (select count(*)::int from public.channel_orchestration_log where date = $1::date) as live`,
        [live],
      );
    const before = await withDatabase(dataDir, counts);
    const { stdout } = await lfi('demo', '--reset', '--days', '5', '--seed', '7');
    expect(stdout).toMatch(/Demo data reset and loaded \(seed 7, 5 days/);
    const after = await withDatabase(dataDir, counts);
    expect(after[0]?.segments).toBe(before[0]?.segments);
    expect(after[0]?.leads).toBeLessThan(before[0]?.leads ?? 0);
    // History for the 4 days before yesterday, a run record per step (aggregate, plan, orchestrate); no live night.
    expect(after[0]?.runs).toBe(4 * 3);
    expect(after[0]?.live).toBe(0);
  });

  it('refuses lfi demo --reset on a database that holds more than the demo, in one sentence', async () => {
    const other = join(dir, 'not-demo');
    await withDatabase(other, async (db) => {
      await migrate(db, { local: true });
      await db.query(
        `insert into public.lead_segments (code, branch, region, name) values ('schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht')`,
      );
    });
    const refused = await run(process.execPath, [bin, 'demo', '--reset'], {
      env: { ...process.env, LFI_DATA_DIR: other, DATABASE_URL: '' },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /^lfi: This database holds data that is not the demo's[^\n]*nothing was changed\.\n$/,
    );
    const left = await withDatabase(other, (db) =>
      db.query<{ code: string }>('select code from public.lead_segments'),
    );
    expect(left).toEqual([{ code: 'schilder-utrecht' }]);
  });

  it('says a night with failed budget changes is partial, and exits 1', async () => {
    // A folder of its own, whose live night (yesterday) is still to run: the drill makes the
    // simulated market reject every campaign's budget change.
    const drill = join(dir, 'drill');
    const env = { ...process.env, LFI_DATA_DIR: drill, DATABASE_URL: '', SUPABASE_URL: '' };
    await run(process.execPath, [bin, 'demo'], { env, maxBuffer: 64 * 1024 * 1024 });
    const campaigns = await withDatabase(drill, (db) =>
      db.query<{ campaign_id: string }>('select campaign_id from public.lead_segment_campaigns'),
    );
    const failing = await run(process.execPath, [bin, 'run'], {
      env: { ...env, LFI_SIM_FAIL_CAMPAIGNS: campaigns.map((c) => c.campaign_id).join(',') },
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }),
    );
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(new RegExp(`^Run PARTIAL for ${live}: `, 'm'));
  }, 240_000);
});
