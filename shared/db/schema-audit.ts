import type { SqlSession } from './database.port.ts';

/**
 * Tables in schema public without row level security. On Supabase such a table is readable and
 * writable through the public API by anyone holding the anon key, so there must be none.
 */
export async function findTablesWithoutRowLevelSecurity(db: SqlSession): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `select c.relname as name
       from pg_class c
      where c.relnamespace = 'public'::regnamespace
        and c.relkind in ('r', 'p')
        and not c.relrowsecurity
      order by 1`,
  );
  return rows.map((row) => row.name);
}

/**
 * Functions in schema public (other than extensions') that anon or authenticated, the roles
 * PostgREST uses for callers without the service-role key, may execute, as
 * `name(argument types): role, role`. Functions default to EXECUTE for PUBLIC (a per-schema
 * default-privileges revoke does not undo that), so each function a migration creates needs
 * `revoke execute on function ... from public, anon, authenticated`.
 */
export async function findFunctionsExecutableByApiRoles(db: SqlSession): Promise<string[]> {
  const rows = await db.query<{ signature: string; roles: string }>(
    `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as signature,
            string_agg(r.role, ', ' order by r.role) as roles
       from pg_proc p
       cross join (values ('anon'), ('authenticated')) as r(role)
      where p.pronamespace = 'public'::regnamespace
        and not exists (
          select from pg_depend d
           where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
        and has_function_privilege(r.role, p.oid, 'execute')
      group by p.oid, p.proname
      order by 1`,
  );
  return rows.map((row) => `${row.signature}: ${row.roles}`);
}
