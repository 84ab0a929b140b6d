import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/config.ts';
import { isSqlDatabase } from '../../../shared/db/database.port.ts';
import { openDatabase } from '../../../shared/db/open-database.ts';
import { yesterday } from '../../../shared/domain/business-day.ts';

const execute = promisify(execFile);
const bin = new URL('../../../bin/lfi.ts', import.meta.url).pathname;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No port.');
  return address.port;
}

// The drill of issue 11: `lfi serve` holds the embedded database, the kill switch is set in the
// dashboard's API, and `lfi run` is started as a second process beside it.
describe('lfi serve and a second lfi process on one data folder', () => {
  let dataDir: string;
  let serve: ChildProcess | undefined;
  let url = '';
  let token = '';
  const env = () => ({ ...process.env, LFI_DATA_DIR: dataDir, DATABASE_URL: '', SUPABASE_URL: '' });

  /** An lfi command as a second process, given at most `limitMs` (then killed: it hung). */
  const lfi = async (args: string[], limitMs = 120_000): Promise<Outcome> => {
    const started = Date.now();
    try {
      const { stdout, stderr } = await execute(process.execPath, [bin, ...args], {
        env: env(),
        timeout: limitMs,
      });
      return { code: 0, stdout, stderr, ms: Date.now() - started };
    } catch (error) {
      const failed = error as { code?: number; killed?: boolean; stdout?: string; stderr?: string };
      if (failed.killed) throw new Error(`lfi ${args.join(' ')} hung for ${limitMs} ms.`);
      return {
        code: failed.code ?? -1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? '',
        ms: Date.now() - started,
      };
    }
  };

  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  /** The simulated market's budgets, read through lfi serve like any other process would. */
  const budgets = async () => {
    const db = await openDatabase(loadConfig(env()), { command: 'lfi drill' });
    if (!isSqlDatabase(db)) throw new Error('The embedded database speaks SQL.');
    try {
      expect(db.kind).toBe('postgres'); // through lfi serve's port, not the files
      return await db.query<{ campaign_id: string; budget_micros: string }>(
        'select campaign_id, budget_micros::text from public.lfi_sim_campaigns order by campaign_id',
      );
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'lfi-drill-')), '.lfi');
    expect((await lfi(['demo', '--days', '10'])).code).toBe(0);
    const port = await freePort();
    const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: env() });
    serve = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lfi serve did not start: ${output}`)), 60_000);
      child.stderr?.on('data', (chunk) => {
        output += String(chunk);
      });
      child.stdout?.on('data', (chunk) => {
        output += String(chunk);
        const served = /on (http:\/\/\S+)\n[^\n]*\n(\S+)\n/.exec(output);
        if (served?.[1] && served[2]) {
          url = served[1];
          token = served[2];
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`lfi serve exited (${code}): ${output}`)));
    });
  }, 180_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGCONT');
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve?.once('exit', resolve));
    }
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('holds the kill switch set through the API, and the run shows in the API', async () => {
    const lock = JSON.parse(await readFile(join(dataDir, 'lfi.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: serve?.pid, command: 'lfi serve', dashboardUrl: url });

    await api('/api/orchestration/kill-switch', {
      method: 'PUT',
      body: JSON.stringify({ enabled: true, reason: 'drill: nothing may change' }),
    });
    const before = await budgets();
    expect(before.length).toBeGreaterThan(10);

    const run = await lfi(['run', '--json']);
    expect(run.stderr).toMatch(/through `lfi serve` \(pid \d+\), which holds it/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const date = yesterday(new Date(), 'Europe/Amsterdam');
    expect(report).toMatchObject({ date, status: 'succeeded' });

    // The kill switch held: not one budget changed, and each decision says why.
    expect(await budgets()).toEqual(before);
    const decisions = Object.keys(report.summary.decisions);
    expect(decisions).toEqual(['skipped']);

    // The API saw the run: its three steps, started by lfi, for yesterday.
    const runs = await api('/api/orchestration/runs?limit=10');
    const steps = runs.items
      .filter((r: { run_date: string; started_by: string }) => r.run_date === date && r.started_by === 'lfi')
      .map((r: { step: string; status: string }) => `${r.step} ${r.status}`);
    expect(steps).toEqual(
      expect.arrayContaining(['aggregate succeeded', 'plan succeeded', 'orchestrate succeeded']),
    );
  }, 180_000);

  it('a second lfi serve refuses in a sentence naming the first and its dashboard', async () => {
    const second = await lfi(['serve', '--port', String(await freePort())], 30_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`\`lfi serve\` (pid ${serve?.pid}) holds`);
    expect(second.stderr).toContain(`(dashboard ${url}); it already serves it`);
  });

  it('never hangs: with lfi serve stopped dead, a second process gives up in bounded time', async () => {
    serve?.kill('SIGSTOP');
    try {
      const run = await lfi(['run'], 30_000);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /`lfi serve` \(pid \d+\) holds .* but does not answer on 127\.0\.0\.1:\d+ .*; stop it and try again\./,
      );
      expect(run.ms).toBeLessThan(20_000);
    } finally {
      serve?.kill('SIGCONT');
    }
  }, 60_000);

  it('gives the folder back when lfi serve stops; the next command opens it itself', async () => {
    serve?.kill('SIGTERM');
    await new Promise((resolve) => serve?.once('exit', resolve));
    await expect(readFile(join(dataDir, 'lfi.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    const demo = await lfi(['demo']);
    expect(demo.stderr).not.toMatch(/through|Took over/);
    expect(demo.stdout).toMatch(/already loaded/);
  }, 60_000);
});
