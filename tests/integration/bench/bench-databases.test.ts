import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureOnLanes } from '../../../bench/support/bench-databases.ts';
import { testServerUrl } from '../../support/databases.ts';

const server = testServerUrl;
if (!server)
  console.warn(
    'SKIPPED: the bench database test needs TEST_DATABASE_URL (a PostgreSQL server to create databases on).',
  );

async function admin<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}
const exists = async (name: string) =>
  (await admin<{ n: number }>('select count(*)::int as n from pg_database where datname = $1', [name]))[0]
    ?.n === 1;

// `npm run bench` may meet the user's own server at 127.0.0.1:5432: it drops only what it made.
describe.skipIf(!server)('the benches on a PostgreSQL server', () => {
  // A database of the user's that happens to bear the bench's name.
  const name = `lfi_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const previous = process.env.BENCH_DATABASE_URL;

  beforeAll(async () => {
    process.env.BENCH_DATABASE_URL = server;
    await admin(`create database ${name}`);
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.BENCH_DATABASE_URL;
    else process.env.BENCH_DATABASE_URL = previous;
    await admin(`drop database if exists ${name} with (force)`);
  });

  it('measure on a database of their own, under a unique name, and drop only that one', async () => {
    const used: string[] = [];
    await measureOnLanes(name, async (db, lane) => {
      if (lane === 'postgres')
        used.push(...(await db.query<{ d: string }>('select current_database() as d')).map((row) => row.d));
      return [];
    });
    await measureOnLanes(name, async (db, lane) => {
      if (lane === 'postgres')
        used.push(...(await db.query<{ d: string }>('select current_database() as d')).map((row) => row.d));
      return [];
    });

    expect(used).toHaveLength(2);
    expect(new Set(used).size).toBe(2);
    for (const database of used) {
      expect(database).not.toBe(name);
      expect(database.startsWith(`${name}_`)).toBe(true);
      expect(await exists(database)).toBe(false);
    }
    expect(await exists(name)).toBe(true);
  });
});
