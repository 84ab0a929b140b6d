-- Which override sets a segment's target, in one place: an override is over once cleared or
-- past its valid_to (cleared means "stop using this", for past dates being re-planned too); it is
-- in force on the days from valid_from until it is over; where several are in force, the latest
-- created wins (ties broken by id, so the choice is stable). Plan reads the one in force, the API
-- shows an override as active while it is not over.

create function public.lfi_override_over(o public.lead_target_overrides, p_date date)
returns boolean
language sql immutable
set search_path = ''
as $$ select o.cleared_at is not null or coalesce(o.valid_to < p_date, false) $$;

create function public.lfi_override_in_force(p_segment_id uuid, p_date date)
returns setof public.lead_target_overrides
language sql stable
set search_path = ''
as $$
  select o.* from public.lead_target_overrides o
   where o.segment_id = p_segment_id and o.valid_from <= p_date and not public.lfi_override_over(o, p_date)
   order by o.created_at desc, o.id desc
   limit 1;
$$;

-- As in 20261202000300, with the one override in force (or null) instead of the candidates.
create or replace function public.lfi_plan_inputs(p_date date, p_recent_days integer default 7)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'segment_id', s.id,
           'code', s.code,
           'is_active', s.is_active,
           'target_utilization', s.target_utilization,
           'capacity_total_leads', coalesce(st.capacity_total_leads, 0),
           'actual_leads', coalesce(st.leads_generated, 0),
           'recent_leads', coalesce((
             select pg_catalog.sum(r.leads_generated) from public.lead_generation_stats r
              where r.segment_id = s.id and r.date > p_date - p_recent_days and r.date <= p_date), 0),
           'override', (
             select pg_catalog.jsonb_build_object('id', o.id, 'target_leads_per_day', o.target_leads_per_day)
               from public.lfi_override_in_force(s.id, p_date) o)
         ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    left join public.lead_generation_stats st on st.segment_id = s.id and st.date = p_date
   where s.is_active;
$$;

-- As in 20261125000600, with `active` from the one rule.
create or replace function public.lfi_api_override(o public.lead_target_overrides, p_today date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'id', o.id, 'segment_id', o.segment_id, 'target_leads_per_day', o.target_leads_per_day,
    'valid_from', o.valid_from, 'valid_to', o.valid_to, 'reason', o.reason,
    'created_by', o.created_by, 'created_at', public.lfi_api_ts(o.created_at),
    'cleared_at', public.lfi_api_ts(o.cleared_at), 'cleared_by', o.cleared_by,
    'active', not public.lfi_override_over(o, p_today))
$$;

call lfi_private.lfi_revoke_api_access();
