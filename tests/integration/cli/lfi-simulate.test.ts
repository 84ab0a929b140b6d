import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

const run = promisify(execFile);
const bin = new URL('../../../bin/lfi.ts', import.meta.url).pathname;
const scenario = new URL('../simulation/fixtures/three-segments.json', import.meta.url).pathname;

// `lfi simulate`: its own throwaway database, never the configured one (a configuration that
// could not even be parsed does not stop it).
describe('lfi simulate', () => {
  let dir: string;
  const lfi = (...args: string[]) =>
    run(process.execPath, [bin, 'simulate', ...args], {
      // A configuration that could not even be parsed: simulate must not read it.
      env: { ...process.env, DATABASE_URL: 'not a url', LFI_DATA_DIR: '' },
    });
  const inProcess = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await main(['simulate', ...args], (text) => lines.push(text));
    return { code, out: lines.join('\n') };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lfi-simulate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a scenario with a bad field in one sentence naming it, exit code 1, before any configuration is read', async () => {
    const bad = join(dir, 'bad.json');
    const document = JSON.parse(await readFile(scenario, 'utf8'));
    document.segments[2].response.elasticity = 1.5;
    await writeFile(bad, JSON.stringify(document));

    const failed = await lfi('--scenario', bad).catch((error: { code: number; stderr: string }) => error);

    expect(failed).toMatchObject({ code: 1 });
    const { stderr } = failed as { stderr: string };
    expect(stderr).toBe(
      `lfi: ${bad}: segments[2].response.elasticity: Too big: expected number to be <=1.\n`,
    );
  }, 60_000);

  it('says what is wrong with a missing file, bad JSON, an empty folder or a bad option', async () => {
    const notJson = join(dir, 'broken.json');
    await writeFile(notJson, '{ "name": ');
    const empty = join(dir, 'empty');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty));

    await expect(inProcess('--scenario', join(dir, 'nope.json'))).rejects.toThrow(
      `--scenario ${join(dir, 'nope.json')} does not exist.`,
    );
    await expect(inProcess('--scenario', notJson)).rejects.toThrow(/broken\.json is not valid JSON: /);
    await expect(inProcess('--scenario', empty)).rejects.toThrow(/holds no \.json scenario files/);
    await expect(inProcess('--scenario', scenario, '--controller', 'pid')).rejects.toThrow(
      '--controller must be default, plan or both; got "pid".',
    );
    await expect(inProcess('--scenario', scenario, '--days', '0')).rejects.toThrow(
      /--days must be a whole number/,
    );
    await expect(inProcess()).rejects.toThrow(/simulate needs --scenario FILE/);
  });

  it('runs a folder with both controllers side by side, writes a plot per scenario and controller, and JSON', async () => {
    const folder = join(dir, 'library');
    const plots = join(dir, 'plots');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    await writeFile(join(folder, 'three-segments.json'), await readFile(scenario, 'utf8'));

    const table = await inProcess(
      '--scenario',
      folder,
      '--controller',
      'both',
      '--days',
      '4',
      '--plot',
      plots,
    );
    const json = await inProcess('--scenario', scenario, '--days', '4', '--seed', '9', '--json');

    expect(table.code).toBe(0);
    expect(table.out).toMatch(
      /^Scenario three-segments: 3 segments, metrics after a 7-day warm-up; each cell: default \/ plan\n/,
    );
    expect(table.out).toMatch(/\nschilder-utrecht\s/);
    expect(table.out).toMatch(/\noverall\s/);
    expect(table.out).toMatch(/Guardrail violations: 0\.$/);
    expect((await readdir(plots)).sort()).toEqual(['three-segments.default.svg', 'three-segments.plan.svg']);
    const parsed = JSON.parse(json.out);
    expect(parsed.scenarios).toHaveLength(1);
    expect(parsed.scenarios[0]).toMatchObject({
      scenario: 'three-segments',
      controller: 'default',
      metrics: { overall: { segment: 'overall', guardrailViolations: 0 } },
      series: { days: 4, seed: 9 },
    });
    expect(parsed.scenarios[0].series.segments[0].days[0]).toHaveProperty('expectedLeads');
  }, 120_000);
});
