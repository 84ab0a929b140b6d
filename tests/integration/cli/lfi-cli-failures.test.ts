import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, testServerUrl } from '../../support/databases.ts';

const bin = new URL('../../../bin/lfi.ts', import.meta.url).pathname;

interface Outcome {
  /** The exit code; null when the process had to be killed (it hung). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** `lfi` as a user runs it: a child process of bin/lfi.ts, killed if it is still running after 30 s. */
function lfi(
  args: readonly string[],
  env: Record<string, string>,
  options: { uid?: number; gid?: number } = {},
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        env: { ...process.env, DATABASE_URL: '', SUPABASE_URL: '', LFI_DEBUG: '', ...env },
        timeout: 30_000,
        killSignal: 'SIGKILL',
        ...options,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}

/**
 * A failure as the user should see it: exit 1 within seconds, nothing on stdout, and on stderr
 * one line, one sentence (it ends with a full stop), no stack trace, no class name, no [object].
 */
function expectOneSentenceFailure(outcome: Outcome, sentence: RegExp): void {
  expect(outcome.code, `${outcome.stdout}\n${outcome.stderr}`).toBe(1);
  expect(outcome.seconds).toBeLessThan(20);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).toMatch(/^lfi: [^\n]+\.\n$/);
  expect(outcome.stderr).not.toMatch(/\[object|Error:|ZodError|TypeError|\n\s+at /);
  expect(outcome.stderr).toMatch(sentence);
}

describe('every lfi failure is one sentence and exit 1, within seconds', () => {
  let dir: string;
  let blackHole: Server;
  let blackHolePort: number;
  const embedded = () => ({ LFI_DATA_DIR: join(dir, 'db') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lfi-cli-failures-'));
    await chmod(dir, 0o755);
    // A "database" that accepts connections and never answers: a connection that hangs.
    blackHole = createServer(() => {});
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    blackHolePort = (blackHole.address() as { port: number }).port;
  });
  afterAll(async () => {
    blackHole?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names LFI_DATA_DIR when the data folder cannot be created (/proc/lfi hung)', async () => {
    const outcome = await lfi(['run'], { LFI_DATA_DIR: '/proc/lfi' });
    expectOneSentenceFailure(outcome, /\/proc\/lfi.*LFI_DATA_DIR.*folder you can write/);
  });

  it('names LFI_DATA_DIR when the data folder is not writable (was "[object Object]")', async () => {
    const readOnly = join(dir, 'read-only');
    await import('node:fs/promises').then((fs) => fs.mkdir(readOnly));
    await chmod(readOnly, 0o555);
    // Root writes anywhere: then the command runs as nobody, as a user without the right would.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const outcome = await lfi(['run'], { LFI_DATA_DIR: readOnly, HOME: dir }, asUser);
    expectOneSentenceFailure(outcome, /read-only.*LFI_DATA_DIR.*not writable/);
  });

  it('names LFI_DATA_DIR when a file stands where the data folder should be', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const outcome = await lfi(['run'], { LFI_DATA_DIR: join(file, 'db') });
    expectOneSentenceFailure(outcome, /a-file is a file, not a folder.*LFI_DATA_DIR/);
  });

  it.each([
    ['abc', /--port must be a whole number from 1 to 65535; got "abc"/],
    ['99999', /--port must be a whole number from 1 to 65535; got "99999"/],
  ])('refuses serve --port %s and exits (it never did)', async (port, sentence) => {
    expectOneSentenceFailure(await lfi(['serve', '--port', port], embedded()), sentence);
  });

  it('says a port in use is in use, and how to pick another', async () => {
    const outcome = await lfi(['serve', '--port', String(blackHolePort)], embedded());
    expectOneSentenceFailure(outcome, new RegExp(`Port ${blackHolePort} on 127.0.0.1 is in use.*--port N`));
  });

  it('says which option lacks its value (was a TypeError)', async () => {
    expectOneSentenceFailure(
      await lfi(['run', '--date'], embedded()),
      /--date needs a value: lfi run --date YYYY-MM-DD/,
    );
    expectOneSentenceFailure(
      await lfi(['run', '--date', '--json'], embedded()),
      /--date needs a value: lfi run --date YYYY-MM-DD/,
    );
  });

  it('names an unknown option and the ones the command takes (was a TypeError)', async () => {
    const outcome = await lfi(['run', '--frobnicate'], embedded());
    expectOneSentenceFailure(
      outcome,
      /Unknown option --frobnicate for lfi run: it takes --date YYYY-MM-DD, --dry-run, --json/,
    );
    expectOneSentenceFailure(
      await lfi(['run', 'tomorrow'], embedded()),
      /lfi run takes no argument "tomorrow"/,
    );
  });

  it('refuses demo --days 1e9 with the range (was a raw ZodError)', async () => {
    expectOneSentenceFailure(
      await lfi(['demo', '--days', '1e9'], embedded()),
      /--days must be a whole number from 1 to 366; got "1e9"/,
    );
  });

  it('blames the connection when the database cannot be reached, not a database function', async () => {
    const refused = await lfi(['run'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/lfi' });
    expectOneSentenceFailure(refused, /Cannot reach the database .*127\.0\.0\.1:1.*DATABASE_URL/);
    expect(refused.stderr).not.toMatch(/lfi_run_report|lfi_aggregate/);

    const silent = await lfi(['run'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${blackHolePort}/lfi`,
    });
    expectOneSentenceFailure(silent, /Cannot reach the database .*did not answer within \d+ s.*DATABASE_URL/);
  });

  it('says to load the demo when the database has no segments (was "Run succeeded … 0 segments")', async () => {
    const outcome = await lfi(['run', '--date', '2026-11-20'], { LFI_DATA_DIR: join(dir, 'empty') });
    expectOneSentenceFailure(outcome, /no segments.*load the demo with `lfi demo`/);
  });
});

const server = testServerUrl;
if (!server)
  console.warn(
    'SKIPPED: `lfi run` before `lfi migrate` on PostgreSQL needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).',
  );

describe.skipIf(!server)('lfi on a PostgreSQL database that was never migrated', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    if (server) database = await createScratchDatabase(server);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('says to run `lfi migrate` first (was "function public.lfi_run_report … does not exist")', async () => {
    const outcome = await lfi(['run'], { DATABASE_URL: database.url });
    expectOneSentenceFailure(outcome, /no LFI schema yet: run `lfi migrate` first/);
    expect(outcome.stderr).not.toMatch(/lfi_run_report/);
  });
});
