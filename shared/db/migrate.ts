import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from './database.port.ts';

export const migrationsDir = fileURLToPath(new URL('../../supabase/migrations/', import.meta.url));
const migrationFile = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly file: string;
  readonly statement: string;
  constructor(file: string, statement: string, cause: unknown) {
    super(
      `Migration ${file} failed at: ${statement}\n  ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.file = file;
    this.statement = statement;
  }
}

export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = migrationFile.exec(file);
      if (!match?.[1] || !match[2]) {
        throw new Error(
          `Migration file name "${file}" is not YYYYMMDDHHMMSS_name.sql (the Supabase CLI's convention).`,
        );
      }
      return { version: match[1], name: match[2], file, sql: await readFile(join(dir, file), 'utf8') };
    }),
  );
}

/**
 * Applies each pending migration once, in its own transaction, and records it. A failing
 * migration leaves the database as it was and names the file and the statement that failed.
 */
export async function migrate(db: SqlDatabase, dir = migrationsDir): Promise<{ applied: string[] }> {
  await db.exec(`create table if not exists public.lfi_schema_migrations (
    version text primary key,
    name text not null,
    applied_at timestamptz not null default now()
  );
  alter table public.lfi_schema_migrations enable row level security;`);
  const done = new Set(
    (await db.query<{ version: string }>('select version from public.lfi_schema_migrations')).map(
      (r) => r.version,
    ),
  );
  const applied: string[] = [];
  for (const migration of await readMigrations(dir)) {
    if (done.has(migration.version)) continue;
    try {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('insert into public.lfi_schema_migrations (version, name) values ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
    } catch (error) {
      throw new MigrationError(migration.file, failingStatement(migration.sql, error), error);
    }
    applied.push(migration.file);
  }
  return { applied };
}

/** Postgres reports the error's character position in the script; show the statement around it. */
function failingStatement(sql: string, error: unknown): string {
  const position = Number((error as { position?: unknown }).position);
  if (!Number.isFinite(position) || position <= 0) return '(statement not reported by the server)';
  const start = sql.lastIndexOf(';', position - 1) + 1;
  const end = sql.indexOf(';', position - 1);
  return sql
    .slice(start, end === -1 ? undefined : end + 1)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
