import { loadGoogleAds } from '../shared/ads/google-ads.loader.ts';
import { createSimulatedMarket } from '../shared/ads/simulated-market.ts';
import { consoleAlertChannel } from '../shared/alerts/log-alerts.adapter.ts';
import { type Config, loadConfig } from '../shared/config/config.ts';
import { isSqlDatabase } from '../shared/db/database.port.ts';
import { describeDatabase, nonLocalDatabaseWarning } from '../shared/db/describe-database.ts';
import { recordDashboardUrl } from '../shared/db/embedded-database.ts';
import { migrate, pendingLocalMigrations } from '../shared/db/migrate.ts';
import { chooseDatabase } from '../shared/db/open-database.ts';
import {
  DEMO_DEFAULTS,
  type DemoSummary,
  describeDemo,
  loadDemo,
  resetDemo,
} from '../shared/demo/load-demo.ts';
import { addDays, businessDayOf, dateRange, isIsoDate, yesterday } from '../shared/domain/business-day.ts';
import { runDateProblem, runModeFor } from '../shared/domain/run-dates.ts';
import { logBackfill } from '../shared/pipeline/system-log.ts';
import { googleAdsCredentialsFromFile } from '../shared/runtime/credentials.ts';
import { googleAdsChannel, googleAdsCredentials, type Runtime } from '../shared/runtime/runtime.ts';
import { parseCommandArgs, wholeNumber } from './args.ts';
import { closeDatabase, openCliRuntime, requireSchema, requireSegments } from './database-check.ts';
import { runNightlyLocally } from './local-state-machine.ts';
import { describeDecisions, formatRunReport, readRunReport, summarise, tableWidth } from './run-report.ts';
import { simulateCommand } from './simulate.ts';
import { formatTable, wrapText } from './table.ts';
import { SetupError, UsageError } from './usage-error.ts';

const usage = `Lead Flow Intelligence

Usage: lfi <command> [options]

  migrate [--local]                     apply pending migrations to the configured database
                                        (--local: also supabase/local/, the simulated market and demo,
                                        which the embedded database always gets; never on production)
  demo [--days N] [--seed S] [--reset]  load the demo data set (default 28 days, seed 42) and run its
                                        past nights as history (not sent); --reset reloads a database
                                        that holds the demo alone
  run [--date D] [--dry-run] [--json]   run the nightly state machine for a date (default yesterday)
      [--channel google-ads [--credentials FILE]]   against Google Ads (credentials: a JSON file)
  backfill --from D --to D              run it for each date in order, with progress (past dates
                                        change no live budget: their decisions are logged not_sent)
  restore --date D [--dry-run] [--json] put back the budgets the night of D changed (skips budgets
                                        changed since, saying so per segment)
  serve [--port 8787]                   the API and dashboard on this machine (127.0.0.1 only)
  start                                 first run: migrate, load the demo and its history; then run
                                        for yesterday
  simulate --scenario FILE|DIR          the closed loop on scenario files, on a throwaway database
      [--controller default|plan|both] [--days N] [--seed S] [--json] [--plot DIR]
  simulate --write-schema               regenerate docs/scenario.schema.json

The database: DATABASE_URL (PostgreSQL), else SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY, else the
embedded database in LFI_DATA_DIR (default .lfi/). Dates are YYYY-MM-DD business days (Europe/Amsterdam),
from 2000-01-01 to yesterday; only a run for yesterday changes live budgets.`;

export { UsageError };

/** What a command needs of the database before it runs; each need failing is one sentence. */
type Need = 'schema' | 'segments';
/** A command with its options read: what it needs, then the work. `serving`: the process stays up. */
interface Prepared {
  readonly needs: readonly Need[];
  run(runtime: Runtime): Promise<number | 'serving'>;
}
interface Context {
  readonly config: Config;
  readonly now: Date;
  readonly out: (text: string) => void;
}

const commands: Record<string, (args: readonly string[], context: Context) => Prepared> = {
  migrate: migrateCommand,
  demo: demoCommand,
  run: runCommand,
  backfill: backfillCommand,
  restore: restoreCommand,
  serve: serveCommand,
  start: startCommand,
};

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
  const prepare = commands[command];
  if (!prepare) throw new UsageError(`Unknown command "${command}": run \`lfi help\` for the commands.`);
  const config = loadConfig();
  // Options are read before the database is opened: a typo fails at once and opens nothing.
  const prepared = prepare(rest, { config, now: new Date(), out });
  // The CLI logs nothing, so an alert (without an SNS topic) goes to stderr where it is seen.
  const alerts = config.LFI_ALERT_TOPIC_ARN
    ? undefined
    : consoleAlertChannel((text) => process.stderr.write(wrapText(text, tableWidth)));
  const runtime = await openCliRuntime(config, command, alerts ? { alerts } : {});
  let outcome: number | 'serving' = 1;
  try {
    if (prepared.needs.length > 0) {
      await ensureEmbeddedSchema(runtime);
      await requireSchema(runtime.db);
    }
    if (prepared.needs.includes('segments')) await requireSegments(runtime.db);
    outcome = await prepared.run(runtime);
  } finally {
    if (outcome !== 'serving') await closeDatabase(runtime.db);
  }
  // A server runs until it is stopped (SIGINT, SIGTERM).
  return outcome === 'serving' ? new Promise<number>(() => {}) : outcome;
}

function migrateCommand(args: readonly string[], { out }: Context): Prepared {
  const values = parseCommandArgs('migrate', args, { local: { type: 'boolean' } });
  return {
    needs: [],
    async run(runtime) {
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
    },
  };
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

function demoCommand(args: readonly string[], { out }: Context): Prepared {
  const values = parseCommandArgs('demo', args, {
    days: { type: 'string', value: 'N', default: String(DEMO_DEFAULTS.days) },
    seed: { type: 'string', value: 'S', default: String(DEMO_DEFAULTS.seed) },
    reset: { type: 'boolean' },
  });
  const days = wholeNumber(values.days, '--days', 1, 366);
  const seed = wholeNumber(values.seed, '--seed', 0, 2_147_483_647);
  return {
    needs: ['schema'],
    async run(runtime) {
      if (values.reset) {
        const reset = await resetDemo(runtime.db);
        if (!reset.reset) throw new SetupError(reset.reason);
      }
      const result = await loadDemoData(runtime, days, seed);
      if (!result.loaded) {
        // The only refusal of a database that holds the demo already: say how to reload it.
        out(
          result.reason.startsWith('Demo data is already loaded')
            ? `${result.reason} To load it afresh: \`lfi demo --reset\`.`
            : result.reason,
        );
        return 1;
      }
      out(
        describeDemo(result).replace(/^Demo data loaded/, values.reset ? 'Demo data reset and loaded' : '$&'),
      );
      out(await runDemoHistory(runtime, result.summary));
      return 0;
    },
  };
}

/**
 * The demo's past nights, run as history (plans and decisions, logged `not_sent`: nothing is sent
 * for a past date), so its charts show a trend from the first look; yesterday, the one live night,
 * is left to `lfi run` (or `npm start`).
 */
async function runDemoHistory(runtime: Runtime, demo: DemoSummary): Promise<string> {
  const last = addDays(demo.to, -1);
  if (last < demo.from) return 'History: none (a one-day demo has no past night before yesterday).';
  const dates = dateRange(demo.from, last);
  const failed = await runNights(runtime, dates);
  return (
    `History: ${dates.length - failed} past nights planned and decided (not sent), ${demo.from} to ${last}` +
    `${failed ? `; ${failed} failed` : ''}.`
  );
}

/** The demo's history is made by the simulated market, whatever channel the pipeline uses. */
function loadDemoData(runtime: Runtime, days: number, seed: number) {
  return loadDemo(runtime.db, createSimulatedMarket(runtime.db, { seed }), {
    days,
    seed,
    today: businessDayOf(runtime.clock.now(), runtime.config.LFI_TIME_ZONE),
  });
}

function runCommand(args: readonly string[], context: Context): Prepared {
  const values = parseCommandArgs('run', args, {
    date: { type: 'string', value: 'YYYY-MM-DD' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    channel: { type: 'string', value: 'google-ads' },
    credentials: { type: 'string', value: 'FILE' },
  });
  const date = values.date === undefined ? undefined : runDate(context, values.date, '--date');
  if (values.channel !== undefined && values.channel !== 'google-ads')
    throw new UsageError(
      `--channel must be google-ads (or leave it out for the configured channel); got "${values.channel}".`,
    );
  if (values.credentials !== undefined && values.channel === undefined)
    throw new UsageError('--credentials is for --channel google-ads: add --channel google-ads.');
  return {
    needs: ['schema', 'segments'],
    async run(runtime) {
      const rt = await withAdsChannel(runtime, values.channel, values.credentials);
      return runAndReport(rt, { date, dryRun: values['dry-run'] }, values.json, context.out);
    },
  };
}

/** `--channel google-ads [--credentials FILE]` swaps the configured ads channel for this run. */
async function withAdsChannel(
  runtime: Runtime,
  channel: string | undefined,
  credentialsFile: string | undefined,
): Promise<Runtime> {
  if (channel === undefined) return runtime;
  const credentials = credentialsFile
    ? await googleAdsCredentialsFromFile(credentialsFile)
    : await googleAdsCredentials(runtime.config);
  return {
    ...runtime,
    ads: await googleAdsChannel(loadGoogleAds, credentials, {
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
  // The summary of decisions grows with their reasons: it wraps at the run table's width.
  const say = (text: string) => out(wrapText(text, tableWidth));
  const date = input.date ?? yesterday(runtime.clock.now(), runtime.config.LFI_TIME_ZONE);
  const execution = await runNightlyLocally(runtime, { date, dryRun: input.dryRun });
  const partial = execution.status === 'FAILED' && execution.error === 'PartialRun';
  // A failed night is reported by the step that failed, not by reading what earlier runs left.
  const rows = execution.status === 'SUCCEEDED' || partial ? await readRunReport(runtime.db, date) : [];
  const summary = summarise(rows);
  const dry = input.dryRun ? ' (dry run)' : '';
  if (json) {
    const status = execution.status === 'SUCCEEDED' ? 'succeeded' : partial ? 'partial' : 'failed';
    out(JSON.stringify({ date, dryRun: input.dryRun, status, execution, summary, segments: rows }, null, 2));
  } else if (execution.status === 'FAILED' && !partial) {
    const step = execution.step ?? 'an unknown step';
    out(`Run FAILED for ${date}${dry} in the ${step} step (execution ${execution.executionId}).`);
    out(`${execution.error}: ${execution.cause ?? ''}`);
    out(`The failure is recorded (lfi_runs). ${afterFailure[step] ?? ''}`.trim());
  } else if (execution.status === 'SUCCEEDED' && decidedAlready(execution.output)) {
    // Every decision of the date stood already: say so rather than print the same table again.
    out(
      `${date} was decided already (${rows.length} segments, by an earlier run): this run changed nothing.`,
    );
    say(`Its decisions: ${describeDecisions(rows)}`);
    out(`The table: \`lfi run --date ${date} --json\`, or the dashboard (\`lfi serve\`).`);
  } else {
    out(formatRunReport(rows));
    out('');
    out(
      partial
        ? `Run PARTIAL for ${date}${dry}: ${execution.cause ?? 'some budget changes failed.'} (execution ${execution.executionId})`
        : `Run succeeded for ${date}${dry}: ${summary.segments} segments, ${summary.target} leads targeted, ${summary.actual} arrived.`,
    );
    const mode = runModeFor(date, runtime.clock.now(), runtime.config.LFI_TIME_ZONE);
    if (input.dryRun) say(`Dry run, nothing sent: ${describeDecisions(rows)}`);
    else if (mode === 'history')
      say(
        `Decided, not sent (${date} is not the latest business day, so no live budget changed): ${describeDecisions(rows)}`,
      );
    else say(describeDecisions(rows));
  }
  return execution.status === 'SUCCEEDED' ? 0 : 1;
}

function backfillCommand(args: readonly string[], context: Context): Prepared {
  const values = parseCommandArgs('backfill', args, {
    from: { type: 'string', value: 'YYYY-MM-DD' },
    to: { type: 'string', value: 'YYYY-MM-DD' },
  });
  if (!values.from || !values.to)
    throw new UsageError('backfill needs --from YYYY-MM-DD and --to YYYY-MM-DD.');
  const from = runDate(context, values.from, '--from');
  const to = runDate(context, values.to, '--to');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}.`);
  const dates = dateRange(from, to);
  if (dates.length > 366)
    throw new UsageError(`A backfill covers at most 366 days; ${from}..${to} is ${dates.length}.`);
  return {
    needs: ['schema', 'segments'],
    async run(runtime) {
      const failed = await runNights(runtime, dates);
      await logBackfill(runtime, { from, to, days: dates.length, failed });
      context.out(`Backfilled ${dates.length - failed} of ${dates.length} days (${from} to ${to}).`);
      return failed ? 1 : 0;
    },
  };
}

/** Whether the orchestrate step found every segment of the date decided already (a rerun). */
function decidedAlready(output: Record<string, unknown>): boolean {
  const orchestrate = output.orchestrate as { segments?: unknown; already_decided?: unknown } | undefined;
  return (
    typeof orchestrate?.segments === 'number' &&
    orchestrate.segments > 0 &&
    orchestrate.already_decided === orchestrate.segments
  );
}

/** Runs the nights in order with a progress bar on a terminal's stderr; returns how many failed. */
async function runNights(runtime: Runtime, dates: readonly string[]): Promise<number> {
  let failed = 0;
  for (const [index, date] of dates.entries()) {
    progress(index, dates.length, date);
    const execution = await runNightlyLocally(runtime, { date });
    if (execution.status === 'FAILED') {
      failed += 1;
      process.stderr.write(
        `${process.stderr.isTTY ? '\n' : ''}${date} failed: ${execution.error}: ${execution.cause ?? ''}\n`,
      );
    }
  }
  progress(dates.length, dates.length, dates.at(-1) ?? '');
  if (process.stderr.isTTY) process.stderr.write('\n');
  return failed;
}

function serveCommand(args: readonly string[], { config, out }: Context): Prepared {
  const values = parseCommandArgs('serve', args, { port: { type: 'string', value: 'N', default: '8787' } });
  const port = wholeNumber(values.port, '--port', 1, 65_535);
  return {
    needs: ['schema'],
    async run(runtime) {
      const { startLocalServer } = await import('../shared/api/local-server.ts');
      const { localNightlyStarter } = await import('./local-nightly-starter.ts');
      const { restoreNight } = await import('../shared/pipeline/restore.ts');
      const server = await startLocalServer({
        runtime,
        port,
        // The dashboard's "run yesterday now" and restore, on this process's database and ads channel.
        actions: {
          nightly: localNightlyStarter(runtime),
          restore: (request) => restoreNight(runtime, request),
        },
      }).catch((error: unknown) => {
        if ((error as { code?: unknown } | null)?.code !== 'EADDRINUSE') throw error;
        throw new SetupError(
          `Port ${port} on 127.0.0.1 is in use by another program: stop it, or pick another port with --port N.`,
          { cause: error },
        );
      });
      await recordDashboardUrl(runtime.db, server.url);
      const warning = nonLocalDatabaseWarning(config);
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
      return 'serving';
    },
  };
}

function startCommand(args: readonly string[], { config, out }: Context): Prepared {
  parseCommandArgs('start', args, {});
  return {
    needs: ['schema'],
    async run(runtime) {
      out(`Database: ${describeDatabase(config)}`);
      const demo = await loadDemoData(runtime, DEMO_DEFAULTS.days, config.LFI_SIM_SEED);
      if (demo.loaded) {
        out(describeDemo(demo));
        out(await runDemoHistory(runtime, demo.summary));
      }
      await requireSegments(runtime.db);
      const code = await runAndReport(runtime, { dryRun: false }, false, out);
      out(
        '\nNext: `npm run lfi -- serve` for the API and dashboard; `npm run lfi -- run --date YYYY-MM-DD` for another day.',
      );
      return code;
    },
  };
}

function restoreCommand(args: readonly string[], context: Context): Prepared {
  const values = parseCommandArgs('restore', args, {
    date: { type: 'string', value: 'YYYY-MM-DD' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (!values.date)
    throw new UsageError('restore needs --date YYYY-MM-DD: the night whose budget changes to undo.');
  const date = runDate(context, values.date, '--date');
  const { out } = context;
  return {
    needs: ['schema'],
    async run(runtime) {
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
      const restored = result.segments.filter(
        (s) => s.status === 'restored' || s.status === 'dry_run',
      ).length;
      out(
        `Restore of ${date}${values['dry-run'] ? ' (dry run: nothing changed)' : ''}: ${restored} budget(s) put back, ` +
          `${result.segments.length - restored - failed} left alone, ${failed} failed.`,
      );
      return failed ? 1 : 0;
    },
  };
}

/** A bar redrawn in place on a terminal; nothing in a log or a pipe, where each redraw would pile up. */
function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`);
}

/** A date a run may cover: a real date, from 2000-01-01 to yesterday in the business time zone. */
function runDate({ config, now }: Context, value: string, flag: string): string {
  if (!isIsoDate(value))
    throw new UsageError(`${flag} must be a real date written YYYY-MM-DD; got "${value}".`);
  const problem = runDateProblem(value, now, config.LFI_TIME_ZONE, flag);
  if (problem) throw new UsageError(problem);
  return value;
}
