import type { SqlSession } from './database.port.ts';

/**
 * Checks of a migrated schema that Supabase's database linter (splinter) also makes, plus LFI's
 * own rule about the API roles. Each check is one catalog query over whatever the migrations
 * created, so it holds for migrations added later too. A finding names the rule as the linter
 * does, the object, and what to do about it.
 */
export interface SchemaFinding {
  readonly rule: SchemaRule;
  /** `schema.name` of a table, `schema.name(argument types)` of a function. */
  readonly object: string;
  readonly detail: string;
}

export type SchemaRule =
  | 'function_search_path_mutable'
  | 'anon_security_definer_function_executable'
  | 'authenticated_security_definer_function_executable'
  | 'rls_disabled_in_public'
  | 'policy_exists_rls_disabled'
  | 'unindexed_foreign_keys'
  | 'api_role_privilege_on_lfi_object';

export interface SchemaAuditOptions {
  /** The schemas PostgREST serves (Supabase's `pgrst.db_schemas`; `public` by default). */
  readonly exposedSchemas?: readonly string[];
  /** Only these rules (default: all of them). */
  readonly rules?: readonly SchemaRule[];
}

/** The rules Supabase's linter has, under its names. */
export const linterRules: readonly SchemaRule[] = [
  'function_search_path_mutable',
  'anon_security_definer_function_executable',
  'authenticated_security_definer_function_executable',
  'rls_disabled_in_public',
  'policy_exists_rls_disabled',
  'unindexed_foreign_keys',
];

/** The API roles: PostgREST uses them for callers without the service-role key. */
export const apiRoles = ['anon', 'authenticated'] as const;

/** Schemas the checks leave alone: PostgreSQL's own and those Supabase's services own (as the linter does). */
export const platformManagedSchemas = [
  'pg_catalog',
  'information_schema',
  'pg_toast',
  'auth',
  'cron',
  'extensions',
  'graphql',
  'graphql_public',
  'net',
  'pgbouncer',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'vault',
] as const;

/** All findings of every rule, in rule order; an empty list is a clean schema. */
export async function auditSchema(
  db: SqlSession,
  options: SchemaAuditOptions = {},
): Promise<SchemaFinding[]> {
  const exposed = [...(options.exposedSchemas ?? ['public'])];
  const wanted = new Set(options.rules ?? [...linterRules, 'api_role_privilege_on_lfi_object']);
  const findings = [
    ...(await findMutableSearchPaths(db)),
    ...(await findSecurityDefinerFunctionsExecutable(db, exposed)),
    ...(await findTablesWithoutRlsInExposedSchemas(db, exposed)),
    ...(await findPoliciesOnTablesWithoutRls(db)),
    ...(await findUnindexedForeignKeys(db)),
    ...(wanted.has('api_role_privilege_on_lfi_object') ? await findApiRolePrivilegesOnLfiObjects(db) : []),
  ];
  return findings.filter((finding) => wanted.has(finding.rule));
}

const skipped = [...platformManagedSchemas];

/**
 * Functions without a fixed search_path: whoever calls one chooses which objects its unqualified
 * names mean. Fix with `set search_path = ''` and schema-qualified names.
 */
export async function findMutableSearchPaths(db: SqlSession): Promise<SchemaFinding[]> {
  const rows = await db.query<{ object: string }>(
    `select p.pronamespace::regnamespace::text || '.' || p.proname
              || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as object
       from pg_catalog.pg_proc p
      where p.pronamespace::regnamespace::text <> all($1)
        and p.pronamespace::regnamespace::text not like 'pg\\_%'
        and not exists (select from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
        and not exists (select from pg_catalog.unnest(p.proconfig) as c (setting) where c.setting like 'search\\_path=%')
      order by 1`,
    [skipped],
  );
  return rows.map(({ object }) => ({
    rule: 'function_search_path_mutable',
    object,
    detail:
      "has no fixed search_path: give it `set search_path = ''` and schema-qualify every name in its body.",
  }));
}

/**
 * SECURITY DEFINER functions in an exposed schema that anon or authenticated may execute: they run
 * with their owner's rights, past row level security, for anyone who can reach /rest/v1/rpc. A
 * later `grant all on all functions in schema public` reaches every function there, so such a
 * function belongs in a schema PostgREST does not serve.
 */
export async function findSecurityDefinerFunctionsExecutable(
  db: SqlSession,
  exposedSchemas: readonly string[],
): Promise<SchemaFinding[]> {
  const rows = await db.query<{ role: string; object: string }>(
    `select r.role,
            p.pronamespace::regnamespace::text || '.' || p.proname
              || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as object
       from pg_catalog.pg_proc p
       cross join pg_catalog.unnest($2::text[]) as r (role)
      where p.prosecdef
        and p.pronamespace::regnamespace::text = any($1)
        and pg_catalog.has_function_privilege(r.role, p.oid, 'EXECUTE')
      order by 1, 2`,
    [exposedSchemas, apiRoles],
  );
  return rows.map(({ role, object }) => ({
    rule: `${role as (typeof apiRoles)[number]}_security_definer_function_executable`,
    object,
    detail: `is SECURITY DEFINER and ${role} may execute it through the API: move it to a schema PostgREST does not serve (lfi_private), or make it SECURITY INVOKER.`,
  }));
}

/** Tables in an exposed schema without row level security that an API role may read. */
export async function findTablesWithoutRlsInExposedSchemas(
  db: SqlSession,
  exposedSchemas: readonly string[],
): Promise<SchemaFinding[]> {
  const rows = await db.query<{ object: string }>(
    `select c.relnamespace::regnamespace::text || '.' || c.relname as object
       from pg_catalog.pg_class c
      where c.relkind in ('r', 'p')
        and not c.relrowsecurity
        and c.relnamespace::regnamespace::text = any($1)
        and exists (select from pg_catalog.unnest($2::text[]) as r (role)
                     where pg_catalog.has_table_privilege(r.role, c.oid, 'SELECT'))
      order by 1`,
    [exposedSchemas, apiRoles],
  );
  return rows.map(({ object }) => ({
    rule: 'rls_disabled_in_public',
    object,
    detail: 'is served by the API without row level security: `alter table ... enable row level security`.',
  }));
}

/** Policies on a table whose row level security is off: they look like protection and are none. */
export async function findPoliciesOnTablesWithoutRls(db: SqlSession): Promise<SchemaFinding[]> {
  const rows = await db.query<{ object: string; policies: string }>(
    `select c.relnamespace::regnamespace::text || '.' || c.relname as object,
            pg_catalog.string_agg(p.polname, ', ' order by p.polname) as policies
       from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid
      where c.relkind in ('r', 'p')
        and not c.relrowsecurity
        and c.relnamespace::regnamespace::text <> all($1)
      group by c.oid
      order by 1`,
    [skipped],
  );
  return rows.map(({ object, policies }) => ({
    rule: 'policy_exists_rls_disabled',
    object,
    detail: `has policies (${policies}) but row level security is off, so they apply to nobody.`,
  }));
}

/**
 * Foreign keys whose columns do not lead a valid index: deleting or updating a referenced row then
 * scans the referencing table. Stricter than the linter: a partial index does not count, since a
 * foreign key check cannot use it.
 */
export async function findUnindexedForeignKeys(db: SqlSession): Promise<SchemaFinding[]> {
  const rows = await db.query<{ object: string; constraint_name: string; columns: string }>(
    `select t.relnamespace::regnamespace::text || '.' || t.relname as object, c.conname as constraint_name,
            (select pg_catalog.string_agg(a.attname, ', ' order by k.ord)
               from pg_catalog.unnest(c.conkey) with ordinality as k (attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns
       from pg_catalog.pg_constraint c
       join pg_catalog.pg_class t on t.oid = c.conrelid
      where c.contype = 'f'
        and t.relnamespace::regnamespace::text <> all($1)
        and not exists (select from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = t.oid and d.deptype = 'e')
        and not exists (
          select from pg_catalog.pg_index i
           where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
             and (string_to_array(i.indkey::text, ' ')::smallint[])[1:pg_catalog.cardinality(c.conkey)]
                 operator(pg_catalog.@>) c.conkey
             and (string_to_array(i.indkey::text, ' ')::smallint[])[1:pg_catalog.cardinality(c.conkey)]
                 operator(pg_catalog.<@) c.conkey)
      order by 1, 2`,
    [skipped],
  );
  return rows.map(({ object, constraint_name, columns }) => ({
    rule: 'unindexed_foreign_keys',
    object,
    detail: `foreign key ${constraint_name} (${columns}) has no index leading with its columns: add one.`,
  }));
}

/**
 * Any privilege that anon or authenticated hold, directly or through PUBLIC, on one of LFI's own
 * objects (as `lfi_private.lfi_objects()` lists them): a table, view or sequence (TRUNCATE included,
 * which row level security does not stop) or a function. Only the service role and the owner may
 * use them. The platform's own objects are not LFI's to judge.
 */
export async function findApiRolePrivilegesOnLfiObjects(db: SqlSession): Promise<SchemaFinding[]> {
  const rows = await db.query<{ object: string; role: string; privileges: string }>(
    `select o.identity as object, r.role, pg_catalog.string_agg(x.privilege, ', ' order by x.privilege) as privileges
       from lfi_private.lfi_objects() o
       cross join pg_catalog.unnest($1::text[]) as r (role)
       cross join lateral (
         select p.privilege
           from pg_catalog.unnest(case o.kind
                  when 'table' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
                  when 'sequence' then array['USAGE', 'SELECT', 'UPDATE']
                  else array['EXECUTE'] end) as p (privilege)
          where case o.kind
                  when 'table' then pg_catalog.has_table_privilege(r.role, o.oid, p.privilege)
                    or (p.privilege in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                        and pg_catalog.has_any_column_privilege(r.role, o.oid, p.privilege))
                  when 'sequence' then pg_catalog.has_sequence_privilege(r.role, o.oid, p.privilege)
                  else pg_catalog.has_function_privilege(r.role, o.oid, p.privilege) end
       ) x
      group by o.identity, r.role
      order by 1, 2`,
    [apiRoles],
  );
  return rows.map(({ object, role, privileges }) => ({
    rule: 'api_role_privilege_on_lfi_object',
    object,
    detail: `${role} holds ${privileges}: revoke it (\`call lfi_private.lfi_revoke_api_access()\` at the end of the migration does, for every LFI object).`,
  }));
}

/**
 * Tables in schema public without row level security, whoever may read them. On Supabase such a
 * table is one grant away from being readable through the API by anyone with the anon key.
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
