import { constants } from 'node:fs';
import { access, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadGoogleAds } from '../shared/ads/google-ads.loader.ts';
import type { Config } from '../shared/config/config.ts';
import { type Database, isSqlDatabase } from '../shared/db/database.port.ts';
import { describeDatabase } from '../shared/db/describe-database.ts';
import { pendingMigrations } from '../shared/db/migrate.ts';
import { chooseDatabase, openDatabase } from '../shared/db/open-database.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../shared/runtime/runtime.ts';
import { SetupError } from './usage-error.ts';

/** How long the first contact with a database server may take before lfi gives up on it. */
export const connectTimeoutMs = 8_000;
/** How long closing a database may take when a command ends (a hung connection must not keep lfi alive). */
const closeTimeoutMs = 3_000;

/**
 * The CLI's runtime, with the database checked before any step uses it: the embedded database's
 * folder can be made and written; a server answers. Each failure is one sentence naming the
 * setting at fault (LFI_DATA_DIR, DATABASE_URL) and what to do.
 */
export async function openCliRuntime(config: Config, command: string): Promise<Runtime> {
  const choice = chooseDatabase(config);
  if (choice.kind === 'pglite') await prepareDataFolder(choice.dataDir);
  let runtime: Runtime;
  try {
    // The embedded database is opened through its folder's lock: by this process, or through the
    // `lfi serve` that holds it (which shares it); `serve` shares it itself.
    const db = await openDatabase(config, {
      command: `lfi ${command}`,
      share: command === 'serve',
      note: (text) => process.stderr.write(`${text}\n`),
    });
    runtime = await createRuntime(config, { db, logger: silentLogger, googleAds: loadGoogleAds });
  } catch (error) {
    throw choice.kind === 'pglite' && isEmbeddedFault(error)
      ? new SetupError(
          `Cannot open the embedded database in ${resolve(choice.dataDir)} (LFI_DATA_DIR): the folder holds something that is not a PGlite database, or a damaged one (${faultText(error)}); point LFI_DATA_DIR at a new or empty folder.`,
          { cause: error },
        )
      : error;
  }
  if (choice.kind === 'postgres') {
    const problem = await unreachable(runtime.db);
    if (problem) {
      await closeDatabase(runtime.db);
      throw new SetupError(
        `Cannot reach the database (${describeDatabase(config)}, from DATABASE_URL): ${problem}; check that the server runs and that DATABASE_URL names it.`,
      );
    }
  }
  return runtime;
}

/**
 * The embedded database's folder, made level by level (Node's recursive mkdir never returns on
 * a path under /proc), then written to once: a folder lfi cannot write fails here, by name.
 */
async function prepareDataFolder(dataDir: string): Promise<void> {
  const folder = resolve(dataDir);
  const missing: string[] = [];
  let existing = folder;
  for (;;) {
    const info = await stat(existing).catch(() => undefined);
    if (info) {
      if (!info.isDirectory())
        throw new SetupError(
          `${existing} is a file, not a folder, so the embedded database cannot live in ${folder} (LFI_DATA_DIR); point LFI_DATA_DIR at a folder (default .lfi).`,
        );
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const cannot = (code: string) =>
    new SetupError(
      `Cannot create the embedded database folder ${folder} (LFI_DATA_DIR): ${code}; set LFI_DATA_DIR to a folder you can write, such as .lfi in the project.`,
    );
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw cannot(errorCode(error));
    }
  }
  const probe = join(folder, `.lfi-write-check-${process.pid}`);
  try {
    await access(folder, constants.W_OK);
    await writeFile(probe, '');
    await unlink(probe);
  } catch (error) {
    throw new SetupError(
      `The embedded database folder ${folder} (LFI_DATA_DIR) is not writable (${errorCode(error)}); give yourself write access to it or set LFI_DATA_DIR to a folder you can write.`,
    );
  }
}

/** Why the server cannot be used, in the driver's words; undefined when it answers. */
async function unreachable(db: Database): Promise<string | undefined> {
  if (!isSqlDatabase(db)) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((done) => {
    timer = setTimeout(() => done(`it did not answer within ${connectTimeoutMs / 1000} s`), connectTimeoutMs);
  });
  try {
    return await Promise.race([
      db.query('select 1').then(
        () => undefined,
        (error: unknown) => oneLine(driverMessage(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A DATABASE_URL database must carry LFI's schema before a command reads or writes it (the
 * embedded one is migrated by lfi itself): else one sentence saying to run `lfi migrate`.
 */
export async function requireSchema(db: Database): Promise<void> {
  if (!isSqlDatabase(db) || db.kind === 'pglite') return;
  const { pending, total } = await pendingMigrations(db);
  if (pending.length === total)
    throw new SetupError(
      'This database has no LFI schema yet: run `lfi migrate` first (`lfi migrate --local` on a sandbox that should also get the demo and the simulated market).',
    );
  if (pending.length > 0)
    throw new SetupError(
      `This database lacks ${pending.length} of LFI's ${total} migrations (the first is ${pending[0]}): run \`lfi migrate\` first.`,
    );
}

/** A nightly run needs active segments; an empty database gets the hint to load the demo. */
export async function requireSegments(db: Database): Promise<void> {
  if (!isSqlDatabase(db)) return;
  const [counts] = await db.query<{ total: number; active: number }>(
    'select count(*)::int as total, (count(*) filter (where is_active))::int as active from public.lead_segments',
  );
  if (!counts || counts.total === 0)
    throw new SetupError(
      'The database has no segments, so there is nothing to run: load the demo with `lfi demo` (or add segments to lead_segments).',
    );
  if (counts.active === 0)
    throw new SetupError(
      `None of the database's ${counts.total} segments is active, so there is nothing to run: activate one (lead_segments.is_active) first.`,
    );
}

/** Closes the database, giving up after a few seconds (a connection that hangs must not hang lfi). */
export async function closeDatabase(db: Database): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    db.close().catch(() => {}),
    new Promise<void>((done) => {
      timer = setTimeout(done, closeTimeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/** PGlite's own file-system faults are plain objects ({ name: 'ErrnoError', errno }) or wasm aborts. */
function isEmbeddedFault(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  return error.name === 'ErrnoError' || error.name === 'RuntimeError';
}

function faultText(error: unknown): string {
  const { name, errno, message } = (error ?? {}) as { name?: unknown; errno?: unknown; message?: unknown };
  if (typeof message === 'string' && message) return oneLine(message);
  return (
    [name, errno === undefined ? '' : `errno ${String(errno)}`].filter(Boolean).join(' ') || 'unknown fault'
  );
}

function driverMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return driverMessage(error.errors[0]);
  if (error instanceof Error) return error.message || errorCode(error);
  return String(error);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ').replace(/[.\s]+$/, '');
