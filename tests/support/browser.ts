import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The variable that points the browser tests at a Chromium (or Chrome) executable of your choice. */
export const chromiumVariable = 'LFI_CHROMIUM';
/** Where Debian, Ubuntu and Google put it, in the order looked at. */
export const chromiumCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];
export const chromiumInstallCommand = 'apt-get install chromium';

export type ChromiumSearch =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly why: string };

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The browser the dashboard tests drive: LFI_CHROMIUM when set (then only it), else the first candidate there. */
export function findChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
  executable: (path: string) => boolean = isExecutable,
): ChromiumSearch {
  const chosen = env[chromiumVariable]?.trim();
  if (chosen)
    return executable(chosen)
      ? { found: true, path: chosen }
      : { found: false, why: `${chromiumVariable}=${chosen} is not an executable` };
  const path = chromiumCandidates.find(executable);
  return path
    ? { found: true, path }
    : {
        found: false,
        why: `no chromium at ${chromiumCandidates.join(', ')} and ${chromiumVariable} is not set`,
      };
}

/** The one line a test run prints when the browser tests cannot run. */
export function missingChromiumLine(why: string): string {
  return `BROWSER TESTS SKIPPED: ${why}; install it with \`${chromiumInstallCommand}\` (or set ${chromiumVariable} to a Chromium or Chrome executable).`;
}

/**
 * Where a browser test writes its screenshots: a git-ignored folder under tests/.output, so a test
 * run leaves the tree clean; `npm run screenshots` points LFI_SCREENSHOTS_DIR at docs/screenshots.
 */
export function screenshotsDir(
  suite: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const chosen = env.LFI_SCREENSHOTS_DIR?.trim();
  if (chosen) return chosen.endsWith('/') ? chosen : `${chosen}/`;
  return fileURLToPath(new URL(`../.output/screenshots/${suite}/`, import.meta.url));
}

/** Headless Chromium as every browser test runs it: no sandbox (CI runs as root), no network chatter. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
