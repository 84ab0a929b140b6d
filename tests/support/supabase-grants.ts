import type { SqlSession } from '../../shared/db/database.port.ts';

/**
 * What a Supabase project does to a database before any migration of ours runs: the API roles
 * exist, and everything in schema public, now and later, is granted to all of them. Roles are
 * per cluster (the PostgreSQL lane shares them with other databases), so they are created only
 * where absent; grants and default privileges are per database.
 */
export const supabaseRolesAndGrants = `
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end
$$;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
${grantAllInPublic()}
`;

/** What the platform, or a Supabase guide followed after our migrations ran, may do again at any time. */
export function grantAllInPublic(): string {
  return `
grant all on all tables in schema public to anon, authenticated, service_role;
grant all on all functions in schema public to anon, authenticated, service_role;
grant all on all sequences in schema public to anon, authenticated, service_role;
`;
}

/**
 * The platform's own schema as it stands in production before LFI arrives: its tables with row
 * level security and a policy, indexes on its foreign keys, a function of its own and a trigger.
 * Created after `supabaseRolesAndGrants`, so Supabase's default privileges give the API roles
 * everything on it, as in a real project.
 */
export const platformSchema = `
create table public.industries (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  created_at timestamptz not null default now()
);
create table public.partners (
  id uuid primary key default gen_random_uuid(),
  company_name text not null,
  is_active boolean not null default true,
  daily_lead_capacity integer not null default 0,
  created_at timestamptz not null default now()
);
create table public.partner_industries (
  partner_id uuid not null references public.partners (id) on delete cascade,
  industry_id uuid not null references public.industries (id) on delete cascade,
  primary key (partner_id, industry_id)
);
create index partner_industries_industry_idx on public.partner_industries (industry_id);
create table public.partner_regions (
  partner_id uuid not null references public.partners (id) on delete cascade,
  province text not null,
  primary key (partner_id, province)
);
create table public.leads (
  id uuid primary key default gen_random_uuid(),
  industry_id uuid references public.industries (id),
  province text,
  postcode text,
  status text not null default 'new',
  price_at_purchase numeric(10, 2),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index leads_industry_idx on public.leads (industry_id);
alter table public.industries enable row level security;
alter table public.partners enable row level security;
alter table public.partner_industries enable row level security;
alter table public.partner_regions enable row level security;
alter table public.leads enable row level security;
create policy leads_insert_by_customers on public.leads for insert to authenticated with check (true);
create policy industries_readable on public.industries for select to anon, authenticated using (true);

create function public.platform_touch_lead() returns trigger
language plpgsql set search_path = ''
as $$ begin new.updated_at := pg_catalog.now(); return new; end $$;
create trigger leads_touch before update on public.leads
  for each row execute function public.platform_touch_lead();
create function public.platform_open_leads() returns bigint
language sql stable set search_path = ''
as $$ select pg_catalog.count(*) from public.leads where status = 'new' $$;
`;

/** The platform's tables and functions (those `platformSchema` creates). */
export const platformTables = ['industries', 'leads', 'partner_industries', 'partner_regions', 'partners'];
export const platformFunctions = ['platform_open_leads()', 'platform_touch_lead()'];

/** Who may do what on the platform's objects, and the database's default privileges: what LFI must leave as it found. */
export async function platformPrivileges(db: SqlSession): Promise<unknown> {
  return {
    tables: await db.query(
      `select c.relname, c.relacl::text[] as acl, c.relrowsecurity
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relname = any($1)
        order by 1`,
      [platformTables],
    ),
    functions: await db.query(
      `select p.oid::regprocedure::text as fn, p.proacl::text[] as acl, p.prosecdef, p.proconfig
         from pg_proc p
        where p.pronamespace = 'public'::regnamespace and p.proname like 'platform\\_%'
        order by 1`,
    ),
    policies: await db.query(
      `select tablename, policyname, roles::text[] as roles, cmd from pg_policies
        where schemaname = 'public' and tablename = any($1) order by 1, 2`,
      [platformTables],
    ),
    defaultPrivileges: await db.query(
      `select pg_get_userbyid(d.defaclrole) as grantor, d.defaclnamespace::regnamespace::text as schema,
              d.defaclobjtype, d.defaclacl::text[] as acl
         from pg_default_acl d
        order by 1, 2, 3`,
    ),
  };
}
