import pg from 'pg';
import type { SqlDatabase } from '../../shared/db/database.port.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { openPglite } from '../../shared/db/pglite.adapter.ts';
import { openPostgres } from '../../shared/db/postgres.adapter.ts';

export interface BenchLane {
  readonly name: 'pglite' | 'postgres';
  /** A fresh migrated database; closing it throws it away. */
  open(): Promise<SqlDatabase>;
}

/** The server benchmarks use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default. */
export function benchServerUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/**
 * PGlite in memory always; PostgreSQL when a server answers at `serverUrl` (a scratch database
 * `name`, dropped on close). No server is not an error: the lane is left out with a note on stderr.
 */
export async function benchLanes(name: string, serverUrl = benchServerUrl()): Promise<BenchLane[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid scratch database name "${name}".`);
  const lanes: BenchLane[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openPglite();
        await migrate(db);
        return db;
      },
    },
  ];
  if (await answers(serverUrl)) {
    lanes.push({ name: 'postgres', open: () => scratchPostgres(serverUrl, name) });
  } else {
    process.stderr.write(
      `  no PostgreSQL server answers at ${redacted(serverUrl)}: the postgres lane is skipped\n`,
    );
  }
  return lanes;
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

async function scratchPostgres(serverUrl: string, name: string): Promise<SqlDatabase> {
  await admin(serverUrl, `drop database if exists ${name} with (force)`);
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString());
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

function redacted(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.password = '';
  return url.toString();
}
