import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase, SqlSession } from './database.port.ts';
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
 * Where a database records the migrations it has. A Supabase project keeps the history the
 * Supabase CLI keeps (`supabase_migrations.schema_migrations`), so a later `supabase db push`
 * knows what `lfi migrate` applied and the other way round; any other database keeps LFI's own.
 */
interface MigrationLedger {
  readonly table: string;
  /** Creates the table if needed (inside the migration lock). */
  readonly create: string;
  record(tx: SqlSession, migration: Migration): Promise<unknown>;
}

const lfiLedger: MigrationLedger = {
  table: 'public.lfi_schema_migrations',
  create: `create table if not exists public.lfi_schema_migrations (
      version text primary key,
      name text not null,
      applied_at timestamptz not null default now()
    );
    comment on table public.lfi_schema_migrations is 'Which migration files have been applied (by lfi migrate).';
    alter table public.lfi_schema_migrations enable row level security;`,
  record: (tx, migration) =>
    tx.query('insert into public.lfi_schema_migrations (version, name) values ($1, $2)', [
      migration.version,
      migration.name,
    ]),
};

/** The Supabase CLI's table, created as the CLI creates it; rows as `supabase db push` writes them. */
const supabaseLedger: MigrationLedger = {
  table: 'supabase_migrations.schema_migrations',
  create: `create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
    alter table supabase_migrations.schema_migrations add column if not exists statements text[];
    alter table supabase_migrations.schema_migrations add column if not exists name text;`,
  record: (tx, migration) =>
    tx.query(
      'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
      [
        migration.version,
        migration.name,
        splitSqlStatements(migration.sql).map((statement) => statement.text),
      ],
    ),
};

/** A Supabase project: its migration history exists, or its platform roles do. */
async function isSupabase(db: SqlDatabase): Promise<boolean> {
  const [row] = await db.query<{ supabase: boolean }>(
    `select to_regnamespace('supabase_migrations') is not null
         or exists (select 1 from pg_roles where rolname = 'supabase_admin') as supabase`,
  );
  return row?.supabase === true;
}

/**
 * Applies each pending migration once, in version order, each in its own transaction, and records
 * it in the database's ledger. A failing migration leaves the database as it was and names the
 * file and the statement that failed. Only supabase/migrations/ unless `local` is set, which a
 * Supabase project refuses.
 */
export async function migrate(db: SqlDatabase, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const supabase = await isSupabase(db);
  if (supabase && options.local)
    throw new Error(
      'This database is a Supabase project: the local-only migrations (the simulated market and the demo) never go there. Run `lfi migrate` without --local, or `supabase db push`.',
    );
  const ledger = supabase ? supabaseLedger : lfiLedger;
  const migrations = await readMigrations(migrationDirs(options));
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${migrationLock})`);
    await tx.exec(ledger.create);
    if (supabase) await adoptLfiLedger(tx);
  });
  const done = await appliedVersions(db, ledger);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    let ran: boolean;
    try {
      ran = await db.transaction(async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(${migrationLock})`);
        const already = await tx.query(`select 1 from ${ledger.table} where version = $1`, [
          migration.version,
        ]);
        if (already.length > 0) return false; // another migrator got here first
        await tx.exec(migration.sql);
        await ledger.record(tx, migration);
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

/**
 * A Supabase project that an earlier `lfi migrate` recorded in LFI's own table: those versions go
 * into Supabase's history, so neither tool applies them again.
 */
async function adoptLfiLedger(tx: SqlSession): Promise<void> {
  const [own] = await tx.query<{ exists: boolean }>(
    `select to_regclass('public.lfi_schema_migrations') is not null as exists`,
  );
  if (!own?.exists) return;
  await tx.exec(`insert into supabase_migrations.schema_migrations (version, name)
    select version, name from public.lfi_schema_migrations
    on conflict (version) do nothing`);
}

async function appliedVersions(db: SqlDatabase, ledger: MigrationLedger = lfiLedger): Promise<Set<string>> {
  const rows = await db.query<{ version: string }>(`select version from ${ledger.table}`);
  return new Set(rows.map((row) => row.version));
}

/**
 * The production migrations (supabase/migrations/) this database has not applied, in order; all
 * of them on a database LFI was never migrated into. Reads only: creates nothing.
 */
export async function pendingMigrations(db: SqlDatabase): Promise<{ pending: string[]; total: number }> {
  const core = await readMigrations([migrationsDir]);
  const ledger = (await isSupabase(db)) ? supabaseLedger : lfiLedger;
  const [table] = await db.query<{ present: boolean }>(`select to_regclass($1) is not null as present`, [
    ledger.table,
  ]);
  const done = table?.present ? await appliedVersions(db, ledger) : new Set<string>();
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
  if (await isSupabase(db)) return []; // the local set never goes to a Supabase project
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
