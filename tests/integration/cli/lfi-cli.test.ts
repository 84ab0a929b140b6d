import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.ts';
import { isSqlDatabase } from '../../../shared/db/database.port.ts';
import { openDatabase } from '../../../shared/db/open-database.ts';
import { createScratchDatabase, testServerUrl } from '../../support/databases.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/lfi.ts', import.meta.url).pathname;

// The lfi command as a user runs it, on an embedded database of its own.
describe('the lfi command line', () => {
  let dataDir: string;
  const lfi = (...args: string[]) =>
    run(process.execPath, [bin, ...args], {
      env: { ...process.env, LFI_DATA_DIR: dataDir, DATABASE_URL: '' },
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lfi-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates, loads demo data once, and says so the second time', async () => {
    expect((await lfi('migrate')).stdout).toMatch(/Applied \d+ migration/);
    expect((await lfi('migrate')).stdout).toMatch(/up to date/);
    expect((await lfi('demo', '--days', '5', '--seed', '3')).stdout).toMatch(
      /Demo data loaded \(seed 3, 5 days/,
    );
    await expect(lfi('demo', '--days', '5')).rejects.toMatchObject({ code: 1 });
  });

  it('runs a date and prints the per-segment table; a second run of the date changes nothing', async () => {
    const first = await lfi('run', '--date', '2026-11-20');
    expect(first.stdout).toMatch(
      /segment\s+capacity\s+target\s+actual\s+gap %\s+budget old → new\s+decision and reason/,
    );
    expect(first.stdout).toMatch(/Run succeeded for 2026-11-20/);

    const before = JSON.parse((await lfi('run', '--date', '2026-11-20', '--json')).stdout);
    const after = JSON.parse((await lfi('run', '--date', '2026-11-20', '--json')).stdout);
    expect(after.execution.status).toBe('SUCCEEDED');
    expect(after.segments).toEqual(before.segments);
    expect(after.execution.output.orchestrate).toMatchObject({ increased: 0, decreased: 0, failed: 0 });
  });

  it('rejects a bad date or command with a sentence and exit code 1, no stack trace', async () => {
    const bad = await lfi('run', '--date', '2026-02-30').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(
      /--date must be a real date written YYYY-MM-DD; got "2026-02-30"/,
    );
    expect((bad as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    await expect(lfi('frobnicate')).rejects.toMatchObject({ code: 1 });
  });

  it('runs against Google Ads with a credentials file; unreachable, the run fails, is recorded and changes nothing', async () => {
    const credentials = {
      developer_token: 'devtoken-cli-5e1a',
      client_id: 'cli-client-77.apps.googleusercontent.com',
      client_secret: 'GOCSPX-cli-secret-90af',
      refresh_token: '1//cli-refresh-token-3c2d',
      login_customer_id: '123-456-7890',
    };
    const file = join(dataDir, 'google-ads.json');
    await writeFile(file, JSON.stringify(credentials));
    const state = async () => {
      const db = await openDatabase(loadConfig({ LFI_DATA_DIR: dataDir }));
      if (!isSqlDatabase(db)) throw new Error('The embedded database speaks SQL.');
      try {
        return {
          runs: await db.query(
            `select step, status from public.lfi_runs where run_date = '2026-11-21' order by started_at`,
          ),
          plans: await db.query(
            `select count(*)::int as n from public.lead_segment_plans where date = '2026-11-21'`,
          ),
          budgets: await db.query(`select * from public.lfi_sim_campaigns order by 1`),
        };
      } finally {
        await db.close();
      }
    };
    const before = await state();

    const failed = await lfi(
      'run',
      '--date',
      '2026-11-21',
      '--channel',
      'google-ads',
      '--credentials',
      file,
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 1 });
    const { stdout, stderr } = failed as { stdout: string; stderr: string };
    expect(stdout).toMatch(/Run FAILED for 2026-11-21 in the aggregate step/);
    // Offline (here and in CI) the service is unreachable; online, Google rejects these credentials.
    expect(stdout).toMatch(/Google (OAuth|Ads API)[^\n]*(could not be reached|rejected)/);
    expect(stdout).toMatch(/No plan and no budget was changed/);
    for (const value of Object.values(credentials).slice(0, 4)) expect(stdout + stderr).not.toContain(value);
    const after = await state();
    // Aggregate failed (and was retried by the state machine), the pipeline failed; nothing else ran.
    expect(new Set(after.runs.map((r) => JSON.stringify(r)))).toEqual(
      new Set([
        JSON.stringify({ step: 'aggregate', status: 'failed' }),
        JSON.stringify({ step: 'pipeline', status: 'failed' }),
      ]),
    );
    expect(after.runs.at(-1)).toEqual({ step: 'pipeline', status: 'failed' });
    expect(after.plans).toEqual(before.plans);
    expect(after.budgets).toEqual(before.budgets);
  }, 120_000);

  it('names the credentials file or field at fault, never a value', async () => {
    const missing = await lfi(
      'run',
      '--channel',
      'google-ads',
      '--credentials',
      join(dataDir, 'nope.json'),
    ).catch((error: { code: number; stderr: string }) => error);
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr).toMatch(
      /Cannot read the Google Ads credentials file .*nope\.json \(ENOENT\)/,
    );

    const file = join(dataDir, 'incomplete.json');
    await writeFile(file, JSON.stringify({ developer_token: 'tok-secret-1', client_id: 'x' }));
    const incomplete = await lfi('run', '--channel', 'google-ads', '--credentials', file).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(incomplete).toMatchObject({ code: 1 });
    expect((incomplete as { stderr: string }).stderr).toMatch(
      /client_secret is missing.*refresh_token is missing/,
    );
    expect((incomplete as { stderr: string }).stderr).not.toContain('tok-secret-1');
  });
});

// A DATABASE_URL database may be production: it gets the local-only migrations only when asked.
describe.each(testServerUrl ? [testServerUrl] : [])(
  'the lfi command line on a DATABASE_URL database',
  (server) => {
    let database: { url: string; drop(): Promise<void> };
    const lfi = (...args: string[]) =>
      run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: database.url } });

    beforeAll(async () => {
      database = await createScratchDatabase(server);
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('migrates without the simulated market and demo unless --local, and lfi demo says what to do', async () => {
      const core = (await lfi('migrate')).stdout;
      expect(core).toMatch(/Applied \d+ migration/);
      expect(core).not.toMatch(/simulated_market|demo/);

      const refused = await lfi('demo', '--days', '2').catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({ code: 1 });
      expect((refused as { stderr: string }).stderr).toMatch(
        /^lfi: The demo data set is not installed in this database: run `lfi migrate --local`[^\n]*\.\n$/,
      );

      const local = (await lfi('migrate', '--local')).stdout;
      expect(local).toMatch(/20261125000300_simulated_market\.sql/);
      expect(local).toMatch(/20261125000350_demo\.sql/);
      expect((await lfi('demo', '--days', '2', '--seed', '5')).stdout).toMatch(
        /Demo data loaded \(seed 5, 2 days/,
      );
      // A sandbox that holds the demo alone can have it afresh.
      expect((await lfi('demo', '--reset', '--days', '2', '--seed', '6')).stdout).toMatch(
        /Demo data reset and loaded \(seed 6, 2 days/,
      );
    });
  },
);
