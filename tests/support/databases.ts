import { randomUUID } from 'node:crypto';
import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import pg from 'pg';
import type { SqlDatabase } from '../../shared/db/database.port.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { wrapPglite } from '../../shared/db/pglite.adapter.ts';
import { openPostgres } from '../../shared/db/postgres.adapter.ts';

/**
 * The database lanes every database test runs on: embedded PGlite always, and the PostgreSQL
 * server when TEST_DATABASE_URL is set (CI sets it). Each `open()` gives a fresh database of its
 * own, migrated like the embedded one (the core and the local-only migrations, so the simulated
 * market and the demo are there); `close()` throws it away.
 */
export interface DatabaseLane {
  readonly name: 'pglite' | 'postgres';
  open(options?: { migrated?: boolean }): Promise<SqlDatabase>;
}

let template: Promise<PGliteInterface> | undefined;

async function migratedTemplate(): Promise<PGliteInterface> {
  template ??= (async () => {
    const db = await PGlite.create();
    await migrate(wrapPglite(db), { local: true });
    return db;
  })();
  return template;
}

const pgliteLane: DatabaseLane = {
  name: 'pglite',
  async open({ migrated = true } = {}) {
    return wrapPglite(migrated ? await (await migratedTemplate()).clone() : await PGlite.create());
  },
};

/** A new, empty database of its own on the PostgreSQL server; `drop()` throws it away. */
export async function createScratchDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lfi_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

function postgresLane(serverUrl: string): DatabaseLane {
  return {
    name: 'postgres',
    async open({ migrated = true } = {}) {
      const scratch = await createScratchDatabase(serverUrl);
      const db = openPostgres(scratch.url);
      if (migrated) await migrate(db, { local: true });
      return {
        ...db,
        async close() {
          await db.close();
          await scratch.drop();
        },
      };
    },
  };
}

/** The PostgreSQL server the server lane uses, when TEST_DATABASE_URL names one. */
export const testServerUrl = process.env.TEST_DATABASE_URL || undefined;
export const databaseLanes: readonly DatabaseLane[] = testServerUrl
  ? [pgliteLane, postgresLane(testServerUrl)]
  : [pgliteLane];
