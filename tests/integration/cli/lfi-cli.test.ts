import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
    expect(first.stdout).toMatch(/segment\s+capacity\s+target\s+actual\s+gap %\s+budget old → new\s+action/);
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
});
