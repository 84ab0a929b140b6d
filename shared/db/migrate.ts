import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './database.port.ts';
import { type SqlStatement, splitSqlStatements } from './sql-statements.ts';

/** The migrations every database gets; the Supabase CLI reads this folder (`supabase db push`). */
export const migrationsDir = fileURLToPath(new URL('../../supabase/migrations/', import.meta.url));
/**
 * Local-only migrations: the simulated ads market and the demo, which write leads. The Supabase CLI
 * never reads this folder; `migrate` applies it only when asked (`local: true`).
 */
export const localMigrationsDir = fileURLToPath(new URL('../../supabase/local/', import.meta.url));
const migrationFile = /^(\d{14})_([a-z0-9_]+)\.sql$/;
// Serialises migrators (two cold-starting processes, say) on one database; any fixed number will do.
const migrationLock = 7_215_835_602;

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

export interface MigrateOptions {
  /**
   * Also apply the local-only migrations of supabase/local/ (the simulated market and the demo).
   * For the embedded database, test databases and sandboxes; never for production.
   */
  readonly local?: boolean;
  /** The folders to read instead of the ones `local` chooses (tests). */
  readonly dirs?: readonly string[];
}

/** The folders `migrate` reads for these options: the core one, and the local one when asked. */
function migrationDirs(options: MigrateOptions = {}): readonly string[] {
  return options.dirs ?? (options.local ? [migrationsDir, localMigrationsDir] : [migrationsDir]);
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly file: string;
  readonly statement: string;
  /** 1-based line in the file where the failing statement starts, when it was found. */
  readonly line: number | undefined;
  constructor(file: string, statement: string, cause: unknown, line?: number) {
    super(
      `Migration ${file} failed${line === undefined ? '' : ` at line ${line}`}: ${statement}\n  ${describeCause(cause)}`,
      { cause },
    );
    this.file = file;
    this.statement = statement;
    this.line = line;
  }
}

/**
 * Reads and checks every migration file of the folders before any is applied, so a misnamed file
 * changes nothing. The folders' files form one sequence in version order: a local migration may
 * depend on the core migrations before it (core ones never depend on local ones).
 */
export async function readMigrations(dirs: readonly string[] = [migrationsDir]): Promise<Migration[]> {
  const perDir = await Promise.all(
    dirs.map(async (dir) => {
      const files = (await readdir(dir)).filter((file) => file.endsWith('.sql'));
      return Promise.all(files.map((file) => readMigration(dir, file)));
    }),
  );
  const migrations = perDir.flat().sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous?.version === migration.version) {
      throw new Error(
        `Migration files "${previous.file}" and "${migration.file}" share version ${migration.version}: give one a later timestamp.`,
      );
    }
  });
  return migrations;
}

async function readMigration(dir: string, file: string): Promise<Migration> {
  const match = migrationFile.exec(file);
  if (!match?.[1] || !match[2]) {
    throw new Error(
      `Migration file name "${file}" is not YYYYMMDDHHMMSS_name.sql (14 digits, an underscore, then lower-case letters, digits and underscores; the Supabase CLI's convention). Rename it.`,
    );
  }
  return { version: match[1], name: match[2], file, sql: await readFile(join(dir, file), 'utf8') };
}

/**
 * Applies each pending migration once, in version order, each in its own transaction, and records
 * it in lfi_schema_migrations. A failing migration leaves the database as it was and names the
 * file and the statement that failed. Only supabase/migrations/ unless `local` is set.
 */
export async function migrate(db: SqlDatabase, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(migrationDirs(options));
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${migrationLock})`);
    await tx.exec(`create table if not exists public.lfi_schema_migrations (
      version text primary key,
      name text not null,
      applied_at timestamptz not null default now()
    );
    comment on table public.lfi_schema_migrations is 'Which migration files have been applied (by lfi migrate).';
    alter table public.lfi_schema_migrations enable row level security;`);
  });
  const done = await appliedVersions(db);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    let ran: boolean;
    try {
      ran = await db.transaction(async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(${migrationLock})`);
        const already = await tx.query('select 1 from public.lfi_schema_migrations where version = $1', [
          migration.version,
        ]);
        if (already.length > 0) return false; // another migrator got here first
        await tx.exec(migration.sql);
        await tx.query('insert into public.lfi_schema_migrations (version, name) values ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        return true;
      });
    } catch (error) {
      const failed = await findFailingStatement(db, migration.sql, error);
      throw new MigrationError(
        migration.file,
        failed ? condense(failed.text) : noStatementFound,
        error,
        failed?.line,
      );
    }
    if (ran) applied.push(migration.file);
  }
  return { applied };
}

async function appliedVersions(db: SqlDatabase): Promise<Set<string>> {
  const rows = await db.query<{ version: string }>('select version from public.lfi_schema_migrations');
  return new Set(rows.map((row) => row.version));
}

/**
 * The production migrations (supabase/migrations/) this database has not applied, in order; all
 * of them on a database LFI was never migrated into. Reads only: creates nothing.
 */
export async function pendingMigrations(db: SqlDatabase): Promise<{ pending: string[]; total: number }> {
  const core = await readMigrations([migrationsDir]);
  const [table] = await db.query<{ present: boolean }>(
    `select to_regclass('public.lfi_schema_migrations') is not null as present`,
  );
  const done = table?.present ? await appliedVersions(db) : new Set<string>();
  return {
    pending: core.filter((migration) => !done.has(migration.version)).map((migration) => migration.file),
    total: core.length,
  };
}

/**
 * The pending local-only migrations of a migrated database that has some of them (it runs the
 * simulated market) but not all; none for a database without the local set.
 */
export async function pendingLocalMigrations(db: SqlDatabase): Promise<string[]> {
  const local = await readMigrations([localMigrationsDir]);
  const done = await appliedVersions(db);
  const pending = local.filter((migration) => !done.has(migration.version));
  return pending.length < local.length ? pending.map((migration) => migration.file) : [];
}

const noStatementFound =
  '(no single statement failed when the file was re-run one by one: the error came at commit, e.g. from a deferred constraint)';

/**
 * Postgres reports the error's position in the script for parse and analysis errors, but not for
 * run-time errors (a RAISE in a DO block, a constraint violation). Then the file is re-run statement
 * by statement in a transaction that is always rolled back, and the first statement to fail is it.
 */
export async function findFailingStatement(
  db: SqlDatabase,
  script: string,
  error: unknown,
): Promise<SqlStatement | undefined> {
  const statements = splitSqlStatements(script);
  const position = Number((error as { position?: unknown } | null)?.position);
  if (Number.isInteger(position) && position > 0) {
    const offset = position - 1;
    return statements.findLast((statement) => statement.start <= offset) ?? statements[0];
  }
  const rollback = new Error('rolled back on purpose');
  let failed: SqlStatement | undefined;
  try {
    await db.transaction(async (tx) => {
      for (const statement of statements) {
        try {
          await tx.exec(statement.text);
        } catch {
          failed = statement;
          break;
        }
      }
      throw rollback;
    });
  } catch (replayError) {
    if (replayError !== rollback) return undefined; // the replay itself broke: report what we know
  }
  return failed;
}

function condense(statement: string): string {
  const oneLine = statement.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const { detail, where } = cause as { detail?: unknown; where?: unknown };
  return [cause.message, detail && `Detail: ${detail}`, where && `Where: ${where}`]
    .filter(Boolean)
    .join('\n  ');
}
