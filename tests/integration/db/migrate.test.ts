import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqlSession } from '../../../shared/db/database.port.ts';
import {
  localMigrationsDir,
  MigrationError,
  migrate,
  migrationsDir,
  pendingLocalMigrations,
  readMigrations,
} from '../../../shared/db/migrate.ts';
import { databaseLanes } from '../../support/databases.ts';

const temporaryDirs: string[] = [];

/** A copy of the real migrations plus extra files, as a new migration would arrive. */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lfi-migrations-'));
  temporaryDirs.push(dir);
  await cp(migrationsDir, dir, { recursive: true });
  for (const [file, sql] of Object.entries(extra)) await writeFile(join(dir, file), sql);
  return dir;
}

/** What a migration could leave behind: relations, functions and migration records. */
async function schemaSnapshot(db: SqlSession) {
  return {
    relations: await db.query(
      `select relname, relkind from pg_class where relnamespace = 'public'::regnamespace order by 1`,
    ),
    functions: await db.query(
      `select proname from pg_proc where pronamespace = 'public'::regnamespace order by 1`,
    ),
    records: await db.query('select version, name from public.lfi_schema_migrations order by 1'),
  };
}

const brokenMigrations = [
  {
    kind: 'a run-time error inside a DO block',
    sql: `create table public.lfi_probe (id int);
insert into public.lfi_probe values (1);
do $$ begin raise exception 'probe refused; on purpose'; end $$;
create table public.lfi_probe_after (id int);
`,
    statement: "do $$ begin raise exception 'probe refused; on purpose'; end $$",
    line: 3,
  },
  {
    kind: 'a constraint violation in an insert',
    sql: `create table public.lfi_probe (id int primary key);
-- a comment; with a semicolon, and 'quotes'
insert into public.lfi_probe values (1);
insert into public.lfi_probe values (2), (2);
`,
    statement: 'insert into public.lfi_probe values (2), (2)',
    line: 4,
  },
  {
    kind: 'a syntax error (the server reports where)',
    sql: `create table public.lfi_probe (id int, note text default 'a;b');
create function public.lfi_probe_fn() returns int language sql as $fn$ select 1; $fn$;
create tabel public.lfi_probe_2 (id int);
`,
    statement: 'create tabel public.lfi_probe_2 (id int)',
    line: 3,
  },
];

afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each(databaseLanes)('migrations on $name', (lane) => {
  it('applies every migration on an empty database and records each, and a second run is a no-op', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const files = (await readMigrations()).map((migration) => migration.file);

      const first = await migrate(db);
      const second = await migrate(db);

      expect(first.applied).toEqual(files);
      expect(second.applied).toEqual([]);
      const records = await db.query<{ version: string }>(
        'select version from public.lfi_schema_migrations order by 1',
      );
      expect(records.map((record) => record.version)).toEqual(files.map((file) => file.slice(0, 14)));
    } finally {
      await db.close();
    }
  });

  it('applies the local-only migrations only when asked, and a database migrated without them takes them later', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const core = (await readMigrations()).map((migration) => migration.file);
      const local = (await readMigrations([localMigrationsDir])).map((migration) => migration.file);

      const first = await migrate(db);
      const withoutLocal = await pendingLocalMigrations(db);
      const later = await migrate(db, { local: true });
      const again = await migrate(db, { local: true });

      expect(local.length).toBeGreaterThan(0);
      expect(first.applied).toEqual(core);
      expect(withoutLocal).toEqual([]); // a database without the simulated market is not nagged
      expect(later.applied).toEqual(local);
      expect(again.applied).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('applies the core and local-only migrations together in version order', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const all = (await readMigrations([migrationsDir, localMigrationsDir])).map((m) => m.file);

      const { applied } = await migrate(db, { local: true });

      expect(applied).toEqual(all);
      expect(applied).toEqual([...applied].sort());
    } finally {
      await db.close();
    }
  });

  it('keeps a database migrated when the simulated market and demo were core migrations: it takes only newer files', async () => {
    const db = await lane.open({ migrated: false });
    try {
      // The folder as it was before the local-only migrations moved out of supabase/migrations/.
      const all = await readMigrations([migrationsDir, localMigrationsDir]);
      const oldLayout = await mkdtemp(join(tmpdir(), 'lfi-old-migrations-'));
      temporaryDirs.push(oldLayout);
      const before = all.filter((migration) => migration.version <= '20261125000600');
      for (const migration of before) await writeFile(join(oldLayout, migration.file), migration.sql);
      await migrate(db, { dirs: [oldLayout] });
      const newer = all.filter((m) => m.version > '20261125000600').map((m) => m.file);
      const newerLocal = (await readMigrations([localMigrationsDir]))
        .filter((m) => m.version > '20261125000600')
        .map((m) => m.file);

      const core = await migrate(db);
      const pending = await pendingLocalMigrations(db);
      const local = await migrate(db, { local: true });

      expect(before.map((migration) => migration.file)).toContain('20261125000300_simulated_market.sql');
      expect(newerLocal.length).toBeGreaterThan(0);
      expect([...core.applied, ...local.applied].sort()).toEqual(newer);
      // It runs the simulated market, so `lfi migrate` names what the market still lacks.
      expect(pending).toEqual(newerLocal);
      expect(local.applied).toEqual(newerLocal);
      expect(await pendingLocalMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('applies each migration once when two migrators run at the same time', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const files = (await readMigrations()).map((migration) => migration.file);

      const [one, two] = await Promise.all([migrate(db), migrate(db)]);

      expect([...one.applied, ...two.applied].sort()).toEqual(files);
    } finally {
      await db.close();
    }
  });

  it.each(brokenMigrations)(
    'leaves no trace of a migration failing with $kind, and names the file and statement',
    async ({ sql, statement, line }) => {
      const db = await lane.open();
      try {
        const dir = await migrationsWith({
          '20991230000000_good_probe.sql': 'create table public.lfi_good_probe (id int);',
          '20991231000000_broken_probe.sql': sql,
        });
        await migrate(db, { dirs: [dir] }).catch(() => {}); // applies the good one only
        const before = await schemaSnapshot(db);

        const failure = await migrate(db, { dirs: [dir] }).catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(MigrationError);
        expect(failure).toMatchObject({ file: '20991231000000_broken_probe.sql', statement, line });
        expect((failure as Error).message).toContain(
          `20991231000000_broken_probe.sql failed at line ${line}`,
        );
        expect(await schemaSnapshot(db)).toEqual(before);
        expect(before.records).toContainEqual({ version: '20991230000000', name: 'good_probe' });
        expect(before.relations).not.toContainEqual(expect.objectContaining({ relname: 'lfi_probe' }));
      } finally {
        await db.close();
      }
    },
  );

  it('rejects a misnamed migration file before changing anything', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const dir = await migrationsWith({ '2026_add-stuff.sql': 'create table public.lfi_probe (id int);' });

      await expect(migrate(db, { dirs: [dir] })).rejects.toThrow(
        /Migration file name "2026_add-stuff.sql" is not YYYYMMDDHHMMSS_name.sql/,
      );
      expect(await db.query(`select to_regclass('public.lfi_schema_migrations') as t`)).toEqual([
        { t: null },
      ]);
    } finally {
      await db.close();
    }
  });

  it('rejects two migration files with the same version', async () => {
    const db = await lane.open();
    try {
      const dir = await migrationsWith({
        '20991231000000_one.sql': 'select 1;',
        '20991231000000_two.sql': 'select 2;',
      });

      await expect(migrate(db, { dirs: [dir] })).rejects.toThrow(/share version 20991231000000/);
    } finally {
      await db.close();
    }
  });

  it('rejects a local-only migration with the version of a core one', async () => {
    const db = await lane.open({ migrated: false });
    try {
      const localDir = await mkdtemp(join(tmpdir(), 'lfi-local-migrations-'));
      temporaryDirs.push(localDir);
      await writeFile(join(localDir, '20261125000100_clash.sql'), 'select 1;');

      await expect(migrate(db, { dirs: [migrationsDir, localDir] })).rejects.toThrow(
        /"20261125000100_clash.sql" and "20261125000100_lfi_core.sql" share version 20261125000100/,
      );
      expect(await db.query(`select to_regclass('public.lfi_schema_migrations') as t`)).toEqual([
        { t: null },
      ]);
    } finally {
      await db.close();
    }
  });
});

describe.each(databaseLanes)('migrations to a Supabase project on $name', (lane) => {
  /** A Supabase project as `supabase db push` leaves it: its history table with what it applied. */
  async function supabaseProject(pushed: number) {
    const db = await lane.open({ migrated: false });
    const migrations = (await readMigrations()).slice(0, pushed);
    await db.exec(`create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text);`);
    for (const migration of migrations) {
      await db.exec(migration.sql);
      await db.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return db;
  }

  it('goes through Supabase’s migration history: applies only what `supabase db push` has not, and records it there', async () => {
    const db = await supabaseProject(3);
    try {
      const all = await readMigrations();

      const { applied } = await migrate(db);

      expect(applied).toEqual(all.slice(3).map((migration) => migration.file));
      const history = await db.query<{ version: string; name: string; statements: string[] | null }>(
        'select version, name, statements from supabase_migrations.schema_migrations order by 1',
      );
      expect(history.map((row) => row.version)).toEqual(all.map((migration) => migration.version));
      // Recorded as the Supabase CLI records a pushed file: its name and its statements.
      const last = all.at(-1);
      expect(history.at(-1)).toMatchObject({ name: last?.name });
      expect(history.at(-1)?.statements?.length).toBeGreaterThan(0);
      // One ledger: LFI's own table is not created on a Supabase project.
      expect(await db.query(`select to_regclass('public.lfi_schema_migrations') as t`)).toEqual([
        { t: null },
      ]);
      expect((await migrate(db)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses the local-only migrations there, changing nothing, with a pointer to `supabase db push`', async () => {
    const db = await supabaseProject(1);
    try {
      await expect(migrate(db, { local: true })).rejects.toThrow(
        /is a Supabase project: the local-only migrations .* never go there.*supabase db push/,
      );
      expect(
        await db.query<{ n: number }>('select count(*)::int as n from supabase_migrations.schema_migrations'),
      ).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('carries an earlier `lfi migrate`’s own records into Supabase’s history, so nothing is applied twice', async () => {
    const db = await lane.open({ migrated: false });
    try {
      await migrate(db); // before this project was known to be a Supabase one
      await db.exec('create schema supabase_migrations');

      const { applied } = await migrate(db);

      expect(applied).toEqual([]);
      const history = await db.query<{ n: number }>(
        'select count(*)::int as n from supabase_migrations.schema_migrations',
      );
      expect(history).toEqual([{ n: (await readMigrations()).length }]);
    } finally {
      await db.close();
    }
  });
});
