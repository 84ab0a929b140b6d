-- Privileges that hold on a database where Supabase has granted everything in schema public to
-- anon and authenticated, before our migrations and again at any time after.
--
-- * LFI's objects (tables and views named lfi_* or lead_*, channel_orchestration_log,
--   ads_campaign_daily_metrics, their sequences, functions named lfi_*, trigger functions used
--   only on LFI tables, and everything in schema lfi_private) give anon and authenticated
--   nothing, object by object: no ALTER DEFAULT PRIVILEGES, so what the platform creates later
--   keeps the privileges Supabase gives it. The platform's tables (leads, industries, partners,
--   partner_*) and functions are never touched.
-- * TRUNCATE, which row level security does not cover, is refused to everyone but a table's
--   owner by a trigger, so it stays refused when someone grants all again.
-- * SECURITY DEFINER functions live in lfi_private, a schema PostgREST does not serve, so no
--   `grant all on all functions in schema public` makes them callable through the API.
-- * Every LFI function has a fixed search_path.
--
-- A migration added after this one ends with `call lfi_private.lfi_revoke_api_access();`, and
-- shared/db/schema-audit.ts checks the result (tests/integration/db/supabase-privileges.test.ts).

create schema if not exists lfi_private;
comment on schema lfi_private is
  'Lead Flow Intelligence internals the HTTP API must never reach (not in PostgREST''s db_schemas): SECURITY DEFINER triggers and the privilege tooling.';
revoke all on schema lfi_private from public, anon, authenticated;

-- ---- SECURITY DEFINER out of the exposed schema ----

-- The two triggers of segment assignment must work whoever writes leads, industries or segments,
-- so they stay SECURITY DEFINER; a trigger function needs no EXECUTE privilege to fire, so they
-- move where no API role can reach them. The lookup rebuild they call needs no rights of its own
-- (its callers are the trigger, as owner, and the backfill, run by an operator), so it becomes
-- SECURITY INVOKER; the backfill likewise. Its body is bound to the rebuild by oid (BEGIN ATOMIC),
-- so moving the rebuild does not break it.
alter function public.lfi_refresh_segment_lookup() set schema lfi_private;
alter function lfi_private.lfi_refresh_segment_lookup() security invoker;
alter function public.lfi_backfill_lead_segments() security invoker;

-- The lead trigger runs for every lead the platform writes, so its region lookup must not call a
-- function per row: a function with a fixed search_path is never inlined, and calling the region
-- helpers that way made a 100,000-lead insert 3.5x slower on PostgreSQL 15. So the mappings become
-- data, in one place: a view of constants (the province spellings as 20261125000200 wrote them, and
-- its PC4 table read back from lfi_region_for_pc4), which the planner folds into the trigger's query.
-- The helpers read the same view; the trigger and the helpers spell the same two expressions over it.
do $migration$
declare
  v_pc4_starts integer[];
  v_pc4_regions text[];
begin
  select pg_catalog.array_agg(n order by n) || 10000, pg_catalog.array_agg(region order by n)
    into v_pc4_starts, v_pc4_regions
    from (select n, region, pg_catalog.lag(region) over (order by n) as previous
            from (select n, public.lfi_region_for_pc4(n) as region from pg_catalog.generate_series(1000, 9999) n) pc4) runs
   where previous is distinct from region;
  execute pg_catalog.format($view$
    create view lfi_private.lfi_region_maps as
    select %L::jsonb as province_regions,
           %L::text as province_from,
           %L::text as province_to,
           %L::text as postcode_pc4,
           %L::integer[] as pc4_starts,
           %L::text[] as pc4_regions
  $view$,
  '{
    "groningen": "groningen", "gr": "groningen", "nlgr": "groningen",
    "friesland": "friesland", "fryslan": "friesland", "fr": "friesland", "frl": "friesland", "nlfr": "friesland",
    "drenthe": "drenthe", "drente": "drenthe", "dr": "drenthe", "nldr": "drenthe",
    "overijssel": "overijssel", "ov": "overijssel", "nlov": "overijssel",
    "flevoland": "flevoland", "fl": "flevoland", "nlfl": "flevoland",
    "gelderland": "gelderland", "ge": "gelderland", "gld": "gelderland", "nlge": "gelderland",
    "utrecht": "utrecht", "ut": "utrecht", "utr": "utrecht", "nlut": "utrecht",
    "noordholland": "noord-holland", "nholland": "noord-holland", "nh": "noord-holland", "nlnh": "noord-holland",
    "zuidholland": "zuid-holland", "zholland": "zuid-holland", "zh": "zuid-holland", "nlzh": "zuid-holland",
    "zeeland": "zeeland", "ze": "zeeland", "zl": "zeeland", "nlze": "zeeland",
    "noordbrabant": "noord-brabant", "nbrabant": "noord-brabant", "brabant": "noord-brabant", "nb": "noord-brabant", "nlnb": "noord-brabant",
    "limburg": "limburg", "li": "limburg", "lb": "limburg", "nlli": "limburg"
  }',
  'âáàäêéèëîíïìôóòöûúùüÂÁÀÄÊÉÈËÎÍÏÌÔÓÒÖÛÚÙÜ -_.''',
  'aaaaeeeeiiiioooouuuuaaaaeeeeiiiioooouuuu',
  '^\s*([1-9][0-9]{3})\s*(?:[A-Za-z]{2})?\s*$',
  v_pc4_starts,
  v_pc4_regions);
end
$migration$;
comment on view lfi_private.lfi_region_maps is
  'Constants of segment assignment: province spellings (keyed by the lower-case name without accents, spaces, dots, dashes or quotes) and the PC4 ranges (pc4_regions[width_bucket(pc4, pc4_starts)]).';

create or replace function public.lfi_region_for_province(province text) returns text
language sql stable parallel safe
set search_path = ''
return (select m.province_regions operator(pg_catalog.->>)
                 pg_catalog.translate(pg_catalog.lower(province), m.province_from, m.province_to)
          from lfi_private.lfi_region_maps m);

create or replace function public.lfi_region_for_pc4(pc4 integer) returns text
language sql stable parallel safe
set search_path = ''
return (select m.pc4_regions[pg_catalog.width_bucket(pc4, m.pc4_starts)] from lfi_private.lfi_region_maps m);

create or replace function public.lfi_region_for_postcode(postcode text) returns text
language sql stable parallel safe
set search_path = ''
return (select m.pc4_regions[pg_catalog.width_bucket(pg_catalog.substring(postcode, m.postcode_pc4)::integer, m.pc4_starts)]
          from lfi_private.lfi_region_maps m);

alter function public.lfi_assign_lead_segment() set schema lfi_private;
create or replace function lfi_private.lfi_assign_lead_segment() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  -- No row (unknown industry, no region, no active segment) sets segment_id to null.
  select l.segment_id into new.segment_id
    from public.lfi_segment_lookup l, lfi_private.lfi_region_maps m
   where l.industry_id = new.industry_id
     and l.region = coalesce(
       m.province_regions ->> pg_catalog.translate(pg_catalog.lower(new.province), m.province_from, m.province_to),
       m.pc4_regions[pg_catalog.width_bucket(pg_catalog.substring(new.postcode, m.postcode_pc4)::integer, m.pc4_starts)]);
  return new;
end
$$;

alter function public.lfi_segment_lookup_changed() set schema lfi_private;
-- plpgsql looks the rebuild up by name when it runs: name it where it now lives.
create or replace function lfi_private.lfi_segment_lookup_changed() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform lfi_private.lfi_refresh_segment_lookup();
  return null;
end
$$;
comment on function lfi_private.lfi_segment_lookup_changed() is
  'Trigger on lead_segments and industries: rebuilds lfi_segment_lookup after every change.';

-- ---- A fixed search_path for every LFI function ----

-- Their bodies name every table and function with its schema and use only pg_catalog otherwise
-- (always searched), so an empty search_path changes nothing they do. The API's formatting helpers
-- were left without one so that the planner could inline them; measured on the API's reads (each
-- caller has a fixed search_path already), the difference is within the noise.
alter function public.lfi_start_run(date, text, boolean, text) set search_path = '';
alter function public.lfi_finish_run(uuid, text, jsonb, text) set search_path = '';
alter function public.lfi_log(text, text, text, jsonb) set search_path = '';
alter function public.lfi_plan_inputs(date, integer) set search_path = '';
alter function public.lfi_save_plans(date, jsonb) set search_path = '';
alter function public.lfi_orchestration_inputs(date, text, integer) set search_path = '';
alter function public.lfi_record_decisions(uuid, date, jsonb) set search_path = '';
alter function public.lfi_settings_get() set search_path = '';
alter function public.lfi_mapped_campaigns(text) set search_path = '';
alter function public.lfi_run_report(date, text) set search_path = '';
alter function public.lfi_api_ts(timestamptz) set search_path = '';
alter function public.lfi_api_money(numeric) set search_path = '';
alter function public.lfi_api_segment(public.lead_segments) set search_path = '';
alter function public.lfi_api_decision(public.channel_orchestration_log) set search_path = '';
alter function public.lfi_api_override(public.lead_target_overrides, date) set search_path = '';

-- ---- Indexes for the foreign keys that had none ----

-- Deleting a segment, a run, a plan or an override, or a region, would otherwise scan the
-- referencing table. The one-decision index on the log is partial, so it cannot serve its
-- segment_id key; (segment_id, date) also serves the decisions endpoint's range.
create index if not exists lead_segments_region_idx on public.lead_segments (region);
create index if not exists lead_segment_plans_override_idx on public.lead_segment_plans (override_id);
create index if not exists channel_orchestration_log_segment_date_idx
  on public.channel_orchestration_log (segment_id, date);
create index if not exists channel_orchestration_log_plan_idx on public.channel_orchestration_log (plan_id);
create index if not exists channel_orchestration_log_run_idx on public.channel_orchestration_log (run_id);

-- ---- What is LFI's, and who may use it ----

-- The one definition of LFI's objects, for the revokes below and for the schema audit.
-- search_path is empty, so every identity comes out schema-qualified.
create function lfi_private.lfi_objects()
returns table (kind text, identity text, oid oid)
language sql stable
set search_path = ''
as $$
  with lfi_relations as (
    select c.oid, c.relkind
      from pg_catalog.pg_class c
     where c.relkind in ('r', 'p', 'v', 'm')
       and (c.relnamespace = 'lfi_private'::pg_catalog.regnamespace
            or (c.relnamespace = 'public'::pg_catalog.regnamespace
                and (c.relname like 'lfi\_%' or c.relname like 'lead\_%'
                     or c.relname in ('channel_orchestration_log', 'ads_campaign_daily_metrics'))))
       -- The platform's tables, whatever the patterns above would match.
       and not (c.relnamespace = 'public'::pg_catalog.regnamespace
                and (c.relname in ('leads', 'industries', 'partners') or c.relname like 'partner\_%'))
       and not exists (select from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid
                          and d.deptype = 'e')
  )
  select case when r.relkind in ('r', 'p') then 'table' else 'view' end, r.oid::pg_catalog.regclass::text, r.oid
    from lfi_relations r
  union all
  select 'sequence', s.oid::pg_catalog.regclass::text, s.oid
    from pg_catalog.pg_class s
   where s.relkind = 'S'
     and (s.relnamespace = 'lfi_private'::pg_catalog.regnamespace
          or exists (select from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = s.oid
                        and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                        and d.deptype in ('a', 'i')
                        and d.refobjid in (select r.oid from lfi_relations r)))
  union all
  select 'function', p.oid::pg_catalog.regprocedure::text, p.oid
    from pg_catalog.pg_proc p
   where (p.pronamespace = 'lfi_private'::pg_catalog.regnamespace
          or (p.pronamespace = 'public'::pg_catalog.regnamespace and p.proname like 'lfi\_%')
          -- A trigger function of any name that only LFI's tables use.
          or (p.pronamespace = 'public'::pg_catalog.regnamespace
              and p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype
              and exists (select from pg_catalog.pg_trigger g where g.tgfoid = p.oid)
              and not exists (select from pg_catalog.pg_trigger g
                               where g.tgfoid = p.oid and g.tgrelid not in (select r.oid from lfi_relations r))))
     and not exists (select from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid
                        and d.deptype = 'e')
$$;
comment on function lfi_private.lfi_objects() is
  'LFI''s own tables, views, sequences and functions (kind, schema-qualified identity, oid); never the platform''s.';

-- Row level security does not cover TRUNCATE: this refuses it to all but the table's owner (the
-- role that migrates), whatever has been granted. SECURITY INVOKER, so current_user is the caller.
create function lfi_private.lfi_refuse_truncate() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not pg_catalog.pg_has_role(current_user,
       (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'USAGE') then
    raise exception 'permission denied to truncate %.%: only its owner may', tg_table_schema, tg_table_name
      using errcode = 'insufficient_privilege';
  end if;
  return null;
end
$$;
comment on function lfi_private.lfi_refuse_truncate() is
  'Trigger before TRUNCATE on every LFI table: only the table''s owner may empty it.';

-- Takes every privilege on LFI's objects from PUBLIC, anon and authenticated (the service role and
-- the owner keep theirs), and puts the TRUNCATE guard on every LFI table. Safe to run again.
create procedure lfi_private.lfi_revoke_api_access()
language plpgsql
set search_path = ''
as $$
declare
  object record;
begin
  for object in select * from lfi_private.lfi_objects() loop
    execute pg_catalog.format('revoke all on %s %s from public, anon, authenticated',
      case object.kind when 'function' then 'routine' when 'sequence' then 'sequence' else 'table' end,
      object.identity);
    if object.kind = 'table' then
      execute pg_catalog.format(
        'create or replace trigger lfi_refuse_truncate before truncate on %s
           for each statement execute function lfi_private.lfi_refuse_truncate()',
        object.identity);
    end if;
  end loop;
end
$$;
comment on procedure lfi_private.lfi_revoke_api_access() is
  'Revokes all privileges of PUBLIC, anon and authenticated on every LFI object and guards LFI tables against TRUNCATE; call it at the end of every migration.';

call lfi_private.lfi_revoke_api_access();
