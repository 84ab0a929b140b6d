import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pooledMetrics, type SimulationMetrics, simulationMetrics } from '../shared/simulation/metrics.ts';
import {
  parseScenarioJson,
  type Scenario,
  scenarioJsonSchemaText,
} from '../shared/simulation/scenario.schema.ts';
import type { ControllerName } from '../shared/simulation/scenario-world.repository.ts';
import type { SimulationRun } from '../shared/simulation/simulate.ts';
import { parseCommandArgs } from './args.ts';
import { simulationSvg } from './simulation-plot.ts';
import { formatLibraryTable, formatScenarioTable } from './simulation-report.ts';
import { runScenario } from './simulation-runner.ts';
import { UsageError } from './usage-error.ts';

/** Where `lfi simulate --write-schema` writes the scenario JSON Schema. */
export const scenarioSchemaFile = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));

const CONTROLLERS: Record<string, readonly ControllerName[]> = {
  default: ['default'],
  plan: ['plan'],
  both: ['default', 'plan'],
};

/**
 * `lfi simulate --scenario FILE|DIR [--controller default|plan|both] [--days N] [--seed S]
 * [--json] [--plot DIR]`: each scenario on a throwaway embedded database of its own (never the
 * configured one), through the nightly state machine day by day, then its metrics table.
 * Exit code 1 when a guardrail was violated.
 */
export async function simulateCommand(args: readonly string[], out: (text: string) => void): Promise<number> {
  const values = parseCommandArgs('simulate', args, {
    scenario: { type: 'string', value: 'FILE|DIR' },
    controller: { type: 'string', value: 'default|plan|both', default: 'default' },
    days: { type: 'string', value: 'N' },
    seed: { type: 'string', value: 'S' },
    json: { type: 'boolean' },
    plot: { type: 'string', value: 'DIR' },
    'write-schema': { type: 'boolean' },
  });
  if (values['write-schema']) {
    await writeFile(scenarioSchemaFile, scenarioJsonSchemaText());
    out(`Wrote ${scenarioSchemaFile}.`);
    if (values.scenario === undefined) return 0;
  }
  if (values.scenario === undefined)
    throw new UsageError('simulate needs --scenario FILE (a scenario JSON file, or a folder of them).');
  const controllers = CONTROLLERS[values.controller];
  if (!controllers)
    throw new UsageError(`--controller must be default, plan or both; got "${values.controller}".`);
  const days = values.days === undefined ? undefined : wholeNumber(values.days, '--days', 1, 366);
  const seed = values.seed === undefined ? undefined : wholeNumber(values.seed, '--seed', 0, 2_147_483_647);
  const scenarios = await loadScenarios(values.scenario);

  const results: { metrics: SimulationMetrics[]; runs: SimulationRun[]; seconds: number[] }[] = [];
  for (const scenario of scenarios) {
    const metrics: SimulationMetrics[] = [];
    const runs: SimulationRun[] = [];
    const seconds: number[] = [];
    for (const controller of controllers) {
      const started = performance.now();
      const run = await runScenario(scenario, {
        controller,
        ...(days === undefined ? {} : { days }),
        ...(seed === undefined ? {} : { seed }),
        onDay: progress(`${scenario.name} (${controller})`),
      });
      seconds.push((performance.now() - started) / 1000);
      runs.push(run);
      metrics.push(simulationMetrics(run.series));
      if (values.plot !== undefined) {
        await mkdir(values.plot, { recursive: true });
        await writeFile(join(values.plot, `${scenario.name}.${controller}.svg`), simulationSvg(run.series));
      }
    }
    results.push({ metrics, runs, seconds });
    if (!values.json) {
      out(formatScenarioTable(metrics));
      out(
        `(${runs[0]?.series.days ?? 0} nights; ${seconds.map((s, i) => `${controllers[i]} ${s.toFixed(1)} s`).join(', ')})\n`,
      );
    }
  }

  const violations = results.flatMap((r) => r.metrics.flatMap((m) => m.violations));
  if (values.json) {
    out(
      JSON.stringify(
        {
          scenarios: results.flatMap((r) =>
            r.metrics.map((metrics, i) => ({
              scenario: metrics.scenario,
              controller: metrics.controller,
              seconds: r.seconds[i],
              metrics,
              series: r.runs[i]?.series,
              budgetChanges: r.runs[i]?.budgetChanges,
            })),
          ),
        },
        null,
        2,
      ),
    );
  } else {
    if (results.length > 1) {
      out(
        formatLibraryTable(
          controllers,
          results.map((r) => ({
            scenario: r.metrics[0]?.scenario ?? '',
            metrics: r.metrics.map((m) => m.overall),
          })),
          controllers.map((_, i) =>
            pooledMetrics(
              'overall',
              results.flatMap((r) => (r.runs[i] ? [r.runs[i].series] : [])),
            ),
          ),
        ),
      );
      out('');
    }
    if (values.plot !== undefined) out(`Plots written to ${values.plot}/.`);
    out(
      violations.length === 0
        ? 'Guardrail violations: 0.'
        : `Guardrail violations: ${violations.length}, e.g. ${violations[0]?.segment} on ${violations[0]?.date}: ${violations[0]?.kind} (${violations[0]?.detail}).`,
    );
  }
  return violations.length === 0 ? 0 : 1;
}

/** A scenario file, or every *.json of a folder in name order; a problem is one sentence naming it. */
export async function loadScenarios(path: string): Promise<Scenario[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`--scenario ${path} does not exist.`);
  const files = info.isDirectory()
    ? (await readdir(path))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new UsageError(`--scenario ${path} holds no .json scenario files.`);
  const scenarios: Scenario[] = [];
  for (const file of files) scenarios.push(parseScenarioJson(await readFile(file, 'utf8'), file));
  const names = new Map<string, string>();
  for (const [i, scenario] of scenarios.entries()) {
    const other = names.get(scenario.name);
    if (other)
      throw new UsageError(
        `${basename(files[i] ?? '')} and ${basename(other)} are both named "${scenario.name}": give each scenario its own name.`,
      );
    names.set(scenario.name, files[i] ?? '');
  }
  return scenarios;
}

function progress(label: string): ((day: number, days: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (day, days) => {
    process.stderr.write(`\r${label}: day ${day + 1}/${days}`);
    if (day + 1 === days) process.stderr.write('\r\x1b[K');
  };
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}; got "${value}".`);
  return n;
}
