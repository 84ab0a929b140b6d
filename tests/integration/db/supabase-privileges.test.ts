import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase, SqlSession } from '../../../shared/db/database.port.ts';
import { migrate } from '../../../shared/db/migrate.ts';
import {
  auditSchema,
  findApiRolePrivilegesOnLfiObjects,
  linterRules,
} from '../../../shared/db/schema-audit.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  grantAllInPublic,
  platformPrivileges,
  platformSchema,
  platformTables,
  supabaseRolesAndGrants,
} from '../../support/supabase-grants.ts';

/**
 * LFI's privileges on a database prepared the way Supabase prepares one: the API roles and
 * Supabase's grants of everything in schema public exist before the first migration runs, and a
 * later `grant all` (a guide followed, a dashboard button) may come at any time after.
 */

/** Runs `work` as `role` in a transaction that is always rolled back; resolves to what it threw, or undefined. */
async function asRole(db: SqlDatabase, role: string, work: (tx: SqlSession) => Promise<unknown>) {
  const rollback = new Error('rolled back on purpose');
  try {
    await db.transaction(async (tx) => {
      await tx.exec(`set local role ${role}`);
      await work(tx);
      throw rollback;
    });
  } catch (error) {
    return error === rollback ? undefined : error;
  }
  return undefined;
}

const lfiTables = [
  'ads_campaign_daily_metrics',
  'channel_orchestration_log',
  'lead_generation_stats',
  'lead_segment_campaigns',
  'lead_segment_plans',
  'lead_segments',
  'lead_target_overrides',
  'lfi_runs',
  'lfi_schema_migrations',
  'lfi_segment_lookup',
  'lfi_settings',
  'lfi_system_log',
];

describe.each(databaseLanes)('LFI under Supabase grants on $name', (lane) => {
  describe('standalone: the migrations create the platform tables too', () => {
    let db: SqlDatabase;
    beforeAll(async () => {
      db = await lane.open({ migrated: false });
      await db.exec(supabaseRolesAndGrants);
      await migrate(db);
    });
    afterAll(() => db.close());

    it('leaves anon and authenticated no privilege on any LFI table, sequence or function', async () => {
      expect(await findApiRolePrivilegesOnLfiObjects(db)).toEqual([]);
    });

    it('refuses TRUNCATE to anon, which row level security does not stop', async () => {
      await db.exec(
        `insert into public.lfi_system_log (level, source, message) values ('info', 'test', 'kept')`,
      );

      for (const role of ['anon', 'authenticated']) {
        const error = await asRole(db, role, (tx) => tx.exec('truncate public.lfi_system_log cascade'));
        expect(error, role).toMatchObject({ code: '42501' });
      }
      expect(await db.query('select message from public.lfi_system_log')).toEqual([{ message: 'kept' }]);
    });

    it('counts as LFI objects its tables, sequences and functions, never the platform tables', async () => {
      const objects = await db.query<{ kind: string; identity: string }>(
        'select kind, identity from lfi_private.lfi_objects() order by 1, 2',
      );
      const tables = objects.filter((o) => o.kind === 'table').map((o) => o.identity);
      expect(tables).toEqual(expect.arrayContaining(lfiTables.map((t) => `public.${t}`)));
      expect(tables.filter((t) => platformTables.some((p) => t === `public.${p}`))).toEqual([]);
      expect(objects).toContainEqual({ kind: 'sequence', identity: 'public.lfi_system_log_id_seq' });
      expect(objects).toContainEqual({
        kind: 'function',
        identity: 'public.lfi_api_list_segments(date,integer,integer)',
      });
      expect(objects).toContainEqual({ kind: 'function', identity: 'lfi_private.lfi_assign_lead_segment()' });
    });

    it('passes the linter rules, even after everything in public is granted to the API roles again', async () => {
      expect(await auditSchema(db, { rules: linterRules })).toEqual([]);

      await db.exec(grantAllInPublic());

      expect(await auditSchema(db, { rules: linterRules })).toEqual([]);
    });

    it('still refuses TRUNCATE to the API roles after everything in public is granted again', async () => {
      await db.exec(grantAllInPublic());
      await db.exec(
        `insert into public.lfi_system_log (level, source, message) values ('info', 'test', 'kept too')`,
      );

      for (const table of ['lfi_system_log', 'lead_segment_plans', 'lead_segments']) {
        const error = await asRole(db, 'anon', (tx) => tx.exec(`truncate public.${table} cascade`));
        expect(error, table).toMatchObject({ code: '42501' });
      }
      const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
        'select count(*)::int as n from public.lfi_system_log',
      );
      expect(n).toBeGreaterThan(0);
    });
  });

  describe("beside the platform's own tables and functions", () => {
    let db: SqlDatabase;
    let before: unknown;
    beforeAll(async () => {
      db = await lane.open({ migrated: false });
      await db.exec(supabaseRolesAndGrants);
      await db.exec(platformSchema);
      before = await platformPrivileges(db);
      await migrate(db);
    });
    afterAll(() => db.close());

    it("leaves the platform's privileges, policies and the database's default privileges as they were", async () => {
      expect(await platformPrivileges(db)).toEqual(before);
    });

    it('lets anon execute a function the platform creates after LFI migrated, in public or elsewhere', async () => {
      await db.exec(`
        create function public.platform_after() returns int language sql set search_path = '' as 'select 1';
        create schema platform_api;
        create function platform_api.platform_after() returns int language sql set search_path = '' as 'select 2';
      `);

      const rows = await db.query<{ fn: string; anon: boolean; authenticated: boolean }>(
        `select fn, has_function_privilege('anon', fn, 'execute') as anon,
                has_function_privilege('authenticated', fn, 'execute') as authenticated
           from unnest(array['public.platform_after()', 'platform_api.platform_after()']) as f (fn)`,
      );
      expect(rows).toEqual([
        { fn: 'public.platform_after()', anon: true, authenticated: true },
        { fn: 'platform_api.platform_after()', anon: true, authenticated: true },
      ]);
      await db.exec('create table public.platform_after_table (id int)');
      const [table] = await db.query<{ anon: boolean }>(
        `select has_table_privilege('anon', 'public.platform_after_table', 'select') as anon`,
      );
      expect(table).toEqual({ anon: true });
      await db.exec(`drop table public.platform_after_table; drop function public.platform_after();
        drop schema platform_api cascade;`);
    });

    it('assigns the segment when a customer inserts a lead, after everything in public is granted again', async () => {
      await db.exec(grantAllInPublic());
      await db.exec(`
        insert into public.industries (id, name) values ('00000000-0000-4000-8000-000000000001', 'Schilder');
        insert into public.lead_segments (id, code, branch, region, name)
        values ('00000000-0000-4000-8000-000000000002', 'schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht');
      `);

      await db.transaction(async (tx) => {
        await tx.exec('set local role authenticated');
        await tx.exec(`insert into public.leads (id, industry_id, postcode)
          values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', '3511 AA')`);
      });

      expect(
        await db.query(
          `select segment_id from public.leads where id = '00000000-0000-4000-8000-000000000003'`,
        ),
      ).toEqual([{ segment_id: '00000000-0000-4000-8000-000000000002' }]);
      expect(await auditSchema(db, { rules: linterRules })).toEqual([]);
    });

    it('shows the API roles no row of an LFI table, even with every table granted to them', async () => {
      await db.exec(grantAllInPublic());
      await db.exec(
        `insert into public.lfi_system_log (level, source, message) values ('info', 'test', 'secret')`,
      );

      let seen: unknown[] = [];
      const error = await asRole(db, 'anon', async (tx) => {
        seen = await tx.query('select * from public.lfi_system_log');
      });

      expect(error).toBeUndefined();
      expect(seen).toEqual([]);
    });

    it('lets the service role run the API and the pipeline functions', async () => {
      const error = await asRole(db, 'service_role', async (tx) => {
        await tx.query(`select public.lfi_api_list_segments(current_date, 50, 0)`);
        await tx.query(`select public.lfi_api_set_kill_switch(false, 'check', '{"sub": "service"}'::jsonb)`);
        await tx.query(`select public.lfi_aggregate_window(current_date - 1, current_date - 1)`);
        await tx.query(`select public.lfi_api_orchestration_status(20)`);
      });

      expect(error).toBeUndefined();
    });
  });
});
