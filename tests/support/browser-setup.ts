import type { TestProject } from 'vitest/node';
import { findChromium, missingChromiumLine } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser tests drive; null when there is none (they are skipped). */
    chromium: string | null;
  }
}

/**
 * Looks for the browser once per test run (vitest globalSetup), so a machine without one gets one
 * loud line, not one per file; under CI (CI=true) a missing browser fails the run instead.
 */
export default function setup(project: TestProject): void {
  const search = findChromium();
  if (!search.found) {
    const line = missingChromiumLine(search.why);
    if (process.env.CI === 'true') throw new Error(`${line} CI=true: a browser is required.`);
    process.stderr.write(`\n${line}\n\n`);
  }
  project.provide('chromium', search.found ? search.path : null);
}
