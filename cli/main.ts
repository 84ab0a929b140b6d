import { parseArgs } from 'node:util';
import { createSimulatedMarket } from '../shared/ads/simulated-market.ts';
import { loadConfig } from '../shared/config/config.ts';
import { isSqlDatabase } from '../shared/db/database.port.ts';
import { describeDatabase, nonLocalDatabaseWarning } from '../shared/db/describe-database.ts';
import { recordDashboardUrl } from '../shared/db/embedded-database.ts';
import { migrate, pendingLocalMigrations } from '../shared/db/migrate.ts';
import { chooseDatabase, openDatabase } from '../shared/db/open-database.ts';
import { DEMO_DEFAULTS, describeDemo, loadDemo } from '../shared/demo/load-demo.ts';
import { businessDayOf, dateRange, isIsoDate, yesterday } from '../shared/domain/business-day.ts';
import { runDateProblem, runModeFor } from '../shared/domain/run-dates.ts';
import '../shared/ads/google-ads.loader.ts';
import { googleAdsCredentialsFromFile } from '../shared/runtime/credentials.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import {
  createRuntime,
  googleAdsChannel,
  googleAdsCredentials,
  type Runtime,
} from '../shared/runtime/runtime.ts';
import { runNightlyLocally } from './local-state-machine.ts';
import { formatRunReport, readRunReport, summarise } from './run-report.ts';
import { simulateCommand } from './simulate.ts';
import { formatTable } from './table.ts';
import { UsageError } from './usage-error.ts';

const usage = `Lead Flow Intelligence

Usage: lfi <command> [options]

  migrate [--local]                     apply pending migrations to the configured database
                                        (--local: also supabase/local/, the simulated market and demo,
                                        which the embedded database always gets; never on production)
  demo [--days N] [--seed S]            load the demo data set (default 28 days, seed 42)
  run [--date D] [--dry-run] [--json]   run the nightly state machine for a date (default yesterday)
      [--channel google-ads [--credentials FILE]]   against Google Ads (credentials: a JSON file)
  backfill --from D --to D              run it for each date in order, with progress (past dates
                                        change no live budget: their decisions are logged not_sent)
  restore --date D [--dry-run] [--json] put back the budgets the night of D changed (skips budgets
                                        changed since, saying so per segment)
  serve [--port 8787]                   the API and dashboard on this machine (127.0.0.1 only)
  start                                 first run: migrate and load demo data; then run for yesterday
  simulate --scenario FILE|DIR          the closed loop on scenario files, on a throwaway database
      [--controller default|plan|both] [--days N] [--seed S] [--json] [--plot DIR]
  simulate --write-schema               regenerate docs/scenario.schema.json

The database: DATABASE_URL (PostgreSQL), else SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, else the
embedded database in LFI_DATA_DIR (default .lfi/). Dates are YYYY-MM-DD business days (Europe/Amsterdam),
from 2000-01-01 to yesterday; only a run for yesterday changes live budgets.`;

export { UsageError };

export async function main(
  argv: readonly string[],
  out: (text: string) => void = console.log,
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(usage);
    return command ? 0 : 1;
  }
  // The simulation brings its own throwaway database: the configured one is never opened.
  if (command === 'simulate') return simulateCommand(rest, out);
  const config = loadConfig();
  // The embedded database is opened through its folder's lock: by this process, or through the
  // `lfi serve` that holds it (which shares it); `serve` shares it itself.
  const db = await openDatabase(config, {
    command: `lfi ${command}`,
    share: command === 'serve',
    note: (text) => process.stderr.write(`${text}\n`),
  });
  const runtime = await createRuntime(config, { db, logger: silentLogger });
  try {
    switch (command) {
      case 'migrate':
        return await migrateCommand(runtime, rest, out);
      case 'demo':
        return await demoCommand(runtime, rest, out);
      case 'run':
        return await runCommand(runtime, rest, out);
      case 'backfill':
        return await backfillCommand(runtime, rest, out);
      case 'restore':
        return await restoreCommand(runtime, rest, out);
      case 'serve':
        return await serveCommand(runtime, rest, out);
      case 'start':
        return await startCommand(runtime, out);
      default:
        throw new UsageError(`Unknown command "${command}". Run \`lfi help\` for the commands.`);
    }
  } finally {
    if (command !== 'serve') await runtime.db.close();
  }
}

async function migrateCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { local: { type: 'boolean', default: false } },
  });
  const { applied } = await migrateDatabase(runtime, values.local);
  out(
    applied.length
      ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
      : 'Database is up to date.',
  );
  // A database that already runs the simulated market should not silently fall behind it.
  const localPending = isSqlDatabase(runtime.db) ? await pendingLocalMigrations(runtime.db) : [];
  if (localPending.length > 0)
    out(
      `This database has the simulated market; ${localPending.length} newer local-only migration(s) wait for \`lfi migrate --local\`: ${localPending.join(', ')}.`,
    );
  return 0;
}

/**
 * The local-only migrations (the simulated market and the demo, which write leads) go to the
 * embedded database always, to a DATABASE_URL database only with `--local`.
 */
async function migrateDatabase(runtime: Runtime, local = false): Promise<{ applied: string[] }> {
  if (!isSqlDatabase(runtime.db)) {
    throw new UsageError(
      'Migrations are applied to Supabase with the Supabase CLI (`supabase db push`); lfi migrate needs the embedded database or DATABASE_URL.',
    );
  }
  return migrate(runtime.db, { local: local || isEmbedded(runtime) });
}

/** The embedded database (opened here or through `lfi serve`), whatever adapter reaches it. */
const isEmbedded = (runtime: Runtime) => chooseDatabase(runtime.config).kind === 'pglite';

/** The embedded database is the user's own: bring it up to date before any command uses it. */
async function ensureEmbeddedSchema(runtime: Runtime): Promise<void> {
  if (isEmbedded(runtime)) await migrateDatabase(runtime);
}

async function demoCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      days: { type: 'string', default: String(DEMO_DEFAULTS.days) },
      seed: { type: 'string', default: String(DEMO_DEFAULTS.seed) },
    },
  });
  await ensureEmbeddedSchema(runtime);
  const result = await loadDemoData(
    runtime,
    positiveInteger(values.days, '--days'),
    positiveInteger(values.seed, '--seed', 0),
  );
  out(describeDemo(result));
  return result.loaded ? 0 : 1;
}

/** The demo's history is made by the simulated market, whatever channel the pipeline uses. */
function loadDemoData(runtime: Runtime, days: number, seed: number) {
  return loadDemo(runtime.db, createSimulatedMarket(runtime.db, { seed }), {
    days,
    seed,
    today: businessDayOf(runtime.clock.now(), runtime.config.LFI_TIME_ZONE),
  });
}

async function runCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      date: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      channel: { type: 'string' },
      credentials: { type: 'string' },
    },
  });
  const date = values.date === undefined ? undefined : runDate(runtime, values.date, '--date');
  const rt = await withAdsChannel(runtime, values.channel, values.credentials);
  await ensureEmbeddedSchema(rt);
  return runAndReport(rt, { date, dryRun: values['dry-run'] }, values.json, out);
}

/** `--channel google-ads [--credentials FILE]` swaps the configured ads channel for this run. */
async function withAdsChannel(
  runtime: Runtime,
  channel: string | undefined,
  credentialsFile: string | undefined,
): Promise<Runtime> {
  if (channel === undefined && credentialsFile === undefined) return runtime;
  if (channel !== 'google-ads')
    throw new UsageError(
      channel === undefined || channel === 'simulated'
        ? '--credentials is for --channel google-ads.'
        : `--channel must be google-ads (or leave it out for the configured channel); got "${channel}".`,
    );
  const credentials = credentialsFile
    ? await googleAdsCredentialsFromFile(credentialsFile)
    : await googleAdsCredentials(runtime.config);
  return {
    ...runtime,
    ads: await googleAdsChannel(credentials, {
      logger: runtime.logger,
      timeZone: runtime.config.LFI_TIME_ZONE,
    }),
  };
}

/** What a failure in each step leaves changed: every step writes only when it succeeds. */
const afterFailure: Record<string, string> = {
  aggregate: 'No plan and no budget was changed.',
  plan: 'No plan and no budget was changed.',
  orchestrate: 'Plans were saved; budgets changed only where the orchestration log says applied or clamped.',
};

async function runAndReport(
  runtime: Runtime,
  input: { date?: string | undefined; dryRun: boolean },
  json: boolean,
  out: (text: string) => void,
): Promise<number> {
  const date = input.date ?? yesterday(runtime.clock.now(), runtime.config.LFI_TIME_ZONE);
  const execution = await runNightlyLocally(runtime, { date, dryRun: input.dryRun });
  const rows = await readRunReport(runtime.db, date);
  const summary = summarise(rows);
  if (json) {
    const status =
      execution.status === 'SUCCEEDED'
        ? 'succeeded'
        : execution.error === 'PartialRun'
          ? 'partial'
          : 'failed';
    out(JSON.stringify({ date, dryRun: input.dryRun, status, execution, summary, segments: rows }, null, 2));
  } else if (execution.status === 'FAILED' && execution.error === 'PartialRun') {
    out(formatRunReport(rows));
    out('');
    out(
      `Run PARTIAL for ${date}${input.dryRun ? ' (dry run)' : ''}: ${execution.cause ?? 'some budget changes failed.'} ` +
        `Decisions ${JSON.stringify(summary.decisions)}; execution ${execution.executionId}.`,
    );
  } else if (execution.status === 'FAILED') {
    // The table would show what earlier runs left for this date: say what this run did instead.
    const step = execution.step ?? 'an unknown step';
    out(
      `Run FAILED for ${date}${input.dryRun ? ' (dry run)' : ''} in the ${step} step (execution ${execution.executionId}).`,
    );
    out(`${execution.error}: ${execution.cause ?? ''}`);
    out(`The failure is recorded (lfi_runs). ${afterFailure[step] ?? ''}`.trim());
  } else {
    out(formatRunReport(rows));
    out('');
    out(
      `Run succeeded for ${date}${input.dryRun ? ' (dry run)' : ''}: ` +
        `${summary.segments} segments, target ${summary.target} vs actual ${summary.actual} leads; decisions ${JSON.stringify(summary.decisions)}.`,
    );
    if (runModeFor(date, runtime.clock.now(), runtime.config.LFI_TIME_ZONE) === 'history')
      out(
        `${date} is not the latest business day: no live budget was changed (decisions logged as not_sent).`,
      );
  }
  return execution.status === 'SUCCEEDED' ? 0 : 1;
}

async function backfillCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { from: { type: 'string' }, to: { type: 'string' } },
  });
  if (!values.from || !values.to)
    throw new UsageError('backfill needs --from YYYY-MM-DD and --to YYYY-MM-DD.');
  const from = runDate(runtime, values.from, '--from');
  const to = runDate(runtime, values.to, '--to');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  const dates = dateRange(from, to);
  if (dates.length > 366)
    throw new UsageError(`A backfill covers at most 366 days; ${from}..${to} is ${dates.length}.`);
  await ensureEmbeddedSchema(runtime);
  let failed = 0;
  for (const [index, date] of dates.entries()) {
    progress(index, dates.length, date);
    const execution = await runNightlyLocally(runtime, { date });
    if (execution.status === 'FAILED') {
      failed += 1;
      process.stderr.write(`\n${date} failed: ${execution.error}: ${execution.cause ?? ''}\n`);
    }
  }
  progress(dates.length, dates.length, to);
  process.stderr.write('\n');
  out(`Backfilled ${dates.length - failed} of ${dates.length} days (${from} to ${to}).`);
  return failed ? 1 : 0;
}

async function serveCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { port: { type: 'string', default: '8787' } } });
  await ensureEmbeddedSchema(runtime);
  const { startLocalServer } = await import('../shared/api/local-server.ts');
  const { localNightlyStarter } = await import('./local-nightly-starter.ts');
  const { restoreNight } = await import('../shared/pipeline/restore.ts');
  const server = await startLocalServer({
    runtime,
    port: positiveInteger(values.port, '--port'),
    // The dashboard's "run yesterday now" and restore, on this process's database and ads channel.
    actions: { nightly: localNightlyStarter(runtime), restore: (request) => restoreNight(runtime, request) },
  });
  await recordDashboardUrl(runtime.db, server.url);
  const warning = nonLocalDatabaseWarning(runtime.config);
  if (warning) out(warning);
  out(`LFI API and dashboard on ${server.url}`);
  out(`Development admin token (valid 12 hours):\n${server.token}`);
  const stop = async () => {
    await server.close();
    await runtime.db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise(() => {});
}

async function startCommand(runtime: Runtime, out: (text: string) => void): Promise<number> {
  out(`Database: ${describeDatabase(runtime.config)}`);
  await ensureEmbeddedSchema(runtime);
  const demo = await loadDemoData(runtime, DEMO_DEFAULTS.days, runtime.config.LFI_SIM_SEED);
  if (demo.loaded) out(describeDemo(demo));
  const code = await runAndReport(runtime, { dryRun: false }, false, out);
  out(
    '\nNext: `npm run lfi -- serve` for the API and dashboard; `npm run lfi -- run --date YYYY-MM-DD` for another day.',
  );
  return code;
}

async function restoreCommand(
  runtime: Runtime,
  args: readonly string[],
  out: (text: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      date: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.date)
    throw new UsageError('restore needs --date YYYY-MM-DD: the night whose budget changes to undo.');
  const date = runDate(runtime, values.date, '--date');
  await ensureEmbeddedSchema(runtime);
  const { restoreNight } = await import('../shared/pipeline/restore.ts');
  const result = await restoreNight(runtime, { date, dryRun: values['dry-run'] });
  const failed = result.segments.filter((s) => s.status === 'restore_failed').length;
  if (values.json) {
    out(JSON.stringify(result, null, 2));
    return failed ? 1 : 0;
  }
  if (result.segments.length === 0) out(`The night of ${date} changed no budget: nothing to restore.`);
  else
    out(
      formatTable(
        ['segment', 'outcome', 'why'],
        result.segments.map((s) => [
          s.code,
          s.status,
          s.error ? `${s.explanation} — ${s.error}` : s.explanation,
        ]),
      ),
    );
  const restored = result.segments.filter((s) => s.status === 'restored' || s.status === 'dry_run').length;
  out(
    `Restore of ${date}${values['dry-run'] ? ' (dry run: nothing changed)' : ''}: ${restored} budget(s) put back, ` +
      `${result.segments.length - restored - failed} left alone, ${failed} failed.`,
  );
  return failed ? 1 : 0;
}

function progress(done: number, total: number, label: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`);
}

function isoDate(value: string, flag: string): string {
  if (!isIsoDate(value))
    throw new UsageError(`${flag} must be a real date written YYYY-MM-DD; got "${value}".`);
  return value;
}

/** A date a run may cover: a real date, from 2000-01-01 to yesterday in the business time zone. */
function runDate(runtime: Runtime, value: string, flag: string): string {
  const date = isoDate(value, flag);
  const problem = runDateProblem(date, runtime.clock.now(), runtime.config.LFI_TIME_ZONE, flag);
  if (problem) throw new UsageError(problem);
  return date;
}

function positiveInteger(value: string | undefined, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be a whole number ≥ ${min}; got "${value}".`);
  return n;
}
