import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SqlDatabase } from '../../shared/db/database.port.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { openPglite } from '../../shared/db/pglite.adapter.ts';
import { openPostgres } from '../../shared/db/postgres.adapter.ts';
import type { BenchResult } from '../bench.ts';

export interface BenchLane {
  readonly name: 'pglite' | 'postgres';
  /** A fresh migrated database; closing it throws it away. */
  open(): Promise<SqlDatabase>;
}

export interface BenchLaneOptions {
  /** The PostgreSQL lane's pool size (the adapter's default when omitted). */
  readonly maxConnections?: number;
}

/** Embedded PGlite in memory. */
export const pgliteLane: BenchLane = {
  name: 'pglite',
  async open() {
    const db = await openPglite();
    await migrate(db);
    return db;
  },
};

/**
 * Runs `measure` on each lane's fresh database in turn (closing it after) and returns all rows:
 * PGlite in memory always; PostgreSQL when a server answers at BENCH_DATABASE_URL, else
 * TEST_DATABASE_URL, else the local default: a scratch database of its own, `name` plus a random
 * suffix, created here and dropped on close. A database it did not create is never dropped, so a
 * server that is the user's own keeps its databases, whatever their names.
 * No server is not an error: the lane is left out with a note on stderr.
 */
export async function measureOnLanes(
  name: string,
  measure: (db: SqlDatabase, lane: BenchLane['name']) => Promise<BenchResult[]>,
  options: BenchLaneOptions = {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const lane of await benchLanes(name, options)) {
    const db = await lane.open();
    try {
      results.push(...(await measure(db, lane.name)));
    } finally {
      await db.close();
    }
  }
  return results;
}

async function benchLanes(name: string, options: BenchLaneOptions): Promise<BenchLane[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid scratch database name "${name}".`);
  const serverUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(serverUrl)) {
    return [pgliteLane, { name: 'postgres', open: () => scratchPostgres(serverUrl, name, options) }];
  }
  process.stderr.write(
    `  no PostgreSQL server answers at ${redacted(serverUrl)}: the postgres lane is skipped\n`,
  );
  return [pgliteLane];
}

async function answers(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function scratchPostgres(
  serverUrl: string,
  name: string,
  options: BenchLaneOptions,
): Promise<SqlDatabase> {
  const scratch = `${name}_${randomBytes(6).toString('hex')}`;
  // No "drop if exists" first: a name that exists is someone else's, and create fails on it.
  await admin(serverUrl, `create database ${scratch}`);
  const url = new URL(serverUrl);
  url.pathname = `/${scratch}`;
  const db = openPostgres(url.toString(), options);
  const close = async () => {
    await db.close();
    await admin(serverUrl, `drop database if exists ${scratch} with (force)`);
  };
  try {
    await migrate(db);
  } catch (error) {
    await close();
    throw error;
  }
  return { ...db, close };
}

function redacted(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.password = '';
  return url.toString();
}
