import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { screenshotsDir } from '../../support/browser.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

/** The browser tests as `npm test` runs them, in a child vitest, on a machine whose browser is `chromium`. */
async function browserTests(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [vitest, 'run', '--project', 'integration', 'tests/integration/dashboard'],
      {
        cwd: root,
        env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
        timeout: 120_000,
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

// A fresh machine: `npm test` passes without a browser, says so once, and leaves git clean.
describe('npm test on a fresh machine', () => {
  it('skips the browser tests with one loud line naming the install command when there is no chromium', async () => {
    const { code, output } = await browserTests({ LFI_CHROMIUM: '/nowhere/chromium' });
    expect(code, output).toBe(0);
    const loud = output.split('\n').filter((line) => line.includes('apt-get install chromium'));
    expect(loud).toEqual([
      'BROWSER TESTS SKIPPED: LFI_CHROMIUM=/nowhere/chromium is not an executable; install it with `apt-get install chromium` (or set LFI_CHROMIUM to a Chromium or Chrome executable).',
    ]);
    expect(output).toMatch(/Tests\s+\d+ skipped/);
    expect(output).not.toMatch(/\d+ passed/);
  }, 150_000);

  it('fails when CI=true and there is no chromium', async () => {
    const { code, output } = await browserTests({ LFI_CHROMIUM: '/nowhere/chromium', CI: 'true' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/apt-get install chromium[^\n]*CI=true: a browser is required/);
  }, 150_000);

  it('writes screenshots to a git-ignored folder unless LFI_SCREENSHOTS_DIR says otherwise (npm run screenshots)', async () => {
    for (const suite of ['dashboard', 'story']) {
      const shot = `${screenshotsDir(suite, {})}overview.png`;
      // git check-ignore exits 0 for an ignored path, 1 for one that git would track.
      await expect(run('git', ['check-ignore', '-q', shot], { cwd: root })).resolves.toBeDefined();
    }
    expect(screenshotsDir('dashboard', { LFI_SCREENSHOTS_DIR: 'docs/screenshots' })).toBe(
      'docs/screenshots/',
    );
  });
});
