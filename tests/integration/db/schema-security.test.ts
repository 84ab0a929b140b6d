import { describe, expect, it } from 'vitest';
import { auditSchema, findTablesWithoutRowLevelSecurity } from '../../../shared/db/schema-audit.ts';
import { databaseLanes } from '../../support/databases.ts';

/**
 * The schema audit over the migrations as they stand, whoever added them: Supabase's linter rules
 * and LFI's own rule that the API roles get nothing of LFI's. (supabase-privileges.test.ts runs
 * the same audit on a database Supabase has granted everything on.)
 */
describe.each(databaseLanes)('Supabase security of the migrated schema on $name', (lane) => {
  it('finds nothing wrong with the migrated schema', async () => {
    const db = await lane.open();
    try {
      expect(await auditSchema(db)).toEqual([]);
      expect(await findTablesWithoutRowLevelSecurity(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('catches what each rule names, and the revoke procedure clears the privileges', async () => {
    const db = await lane.open();
    try {
      await db.exec(`
        create function public.lfi_probe_path() returns int language sql as 'select 1';
        create function public.lfi_probe_definer() returns int
          language sql security definer set search_path = '' as 'select 1';
        create table public.lfi_probe_open (id int);
        grant select on public.lfi_probe_open to anon;
        create table public.lfi_probe_policy (id int);
        create policy lfi_probe_all on public.lfi_probe_policy using (true);
        create table public.lfi_probe_child (segment_id uuid references public.lead_segments (id));
        -- A partial index cannot serve the foreign key's lookups.
        create index lfi_probe_child_partial_idx on public.lfi_probe_child (segment_id) where segment_id is not null;
      `);

      const found = (await auditSchema(db)).map(({ rule, object }) => `${rule} ${object}`);

      expect(found).toEqual([
        'function_search_path_mutable public.lfi_probe_path()',
        'anon_security_definer_function_executable public.lfi_probe_definer()',
        'authenticated_security_definer_function_executable public.lfi_probe_definer()',
        'rls_disabled_in_public public.lfi_probe_open',
        'policy_exists_rls_disabled public.lfi_probe_policy',
        'unindexed_foreign_keys public.lfi_probe_child',
        'api_role_privilege_on_lfi_object public.lfi_probe_definer()',
        'api_role_privilege_on_lfi_object public.lfi_probe_definer()',
        'api_role_privilege_on_lfi_object public.lfi_probe_open',
        'api_role_privilege_on_lfi_object public.lfi_probe_path()',
        'api_role_privilege_on_lfi_object public.lfi_probe_path()',
      ]);

      await db.exec('call lfi_private.lfi_revoke_api_access()');

      expect((await auditSchema(db)).map(({ rule }) => rule)).toEqual([
        'function_search_path_mutable',
        'policy_exists_rls_disabled',
        'unindexed_foreign_keys',
      ]);
    } finally {
      await db.close();
    }
  });
});
