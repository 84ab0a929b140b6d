-- The SQL functions behind the HTTP API (shared/api/routes.ts). Reads return one jsonb document
-- (PostgREST caps row sets at max-rows); each admin write is one call, so it is atomic, and records
-- who did it in lfi_system_log (source 'api'). Money leaves as a string of euros with 2 decimals,
-- timestamps as UTC ISO 8601 text whatever the session's time zone. A read for an unknown segment
-- returns null; a write that cannot happen returns {"outcome": "..."} instead of raising, so the
-- API maps it to a status without parsing error messages.

-- The small helpers below have no `set search_path`: a SET clause stops the planner from inlining
-- a SQL function, and per-value calls made the segment list 4x slower. They call only pg_catalog
-- functions (always searched first), so the search path cannot redirect them. (Supabase's linter
-- wants one all the same: 20261202000900_api_role_privileges sets it, at no measurable cost.)
create function public.lfi_api_ts(p_ts timestamptz)
returns text
language sql stable
as $$ select to_char(p_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

create function public.lfi_api_money(p_value numeric)
returns text
language sql stable
as $$ select to_char(round(p_value, 2), 'FM999999999990.00') $$;

create function public.lfi_api_segment(s public.lead_segments)
returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', s.id, 'code', s.code, 'branch', s.branch, 'region', s.region, 'name', s.name,
    'is_active', s.is_active, 'target_utilization', s.target_utilization,
    'orchestration_paused', s.orchestration_paused,
    'created_at', public.lfi_api_ts(s.created_at), 'updated_at', public.lfi_api_ts(s.updated_at))
$$;

create function public.lfi_api_decision(l public.channel_orchestration_log)
returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', l.id, 'segment_id', l.segment_id, 'run_id', l.run_id, 'date', l.date, 'channel', l.channel,
    'customer_id', l.customer_id, 'campaign_id', l.campaign_id, 'action_type', l.action_type,
    'old_value', public.lfi_api_money(l.old_value), 'new_value', public.lfi_api_money(l.new_value),
    'status', l.status, 'explanation', l.explanation, 'error_message', l.error_message,
    'created_at', public.lfi_api_ts(l.created_at))
$$;

create function public.lfi_api_override(o public.lead_target_overrides, p_today date)
returns jsonb
language sql stable
as $$
  select jsonb_build_object(
    'id', o.id, 'segment_id', o.segment_id, 'target_leads_per_day', o.target_leads_per_day,
    'valid_from', o.valid_from, 'valid_to', o.valid_to, 'reason', o.reason,
    'created_by', o.created_by, 'created_at', public.lfi_api_ts(o.created_at),
    'cleared_at', public.lfi_api_ts(o.cleared_at), 'cleared_by', o.cleared_by,
    'active', o.cleared_at is null and (o.valid_to is null or o.valid_to >= p_today))
$$;

-- The dashboard's overview: each segment with its latest plan, capacity, yesterday's and the
-- 7-day average actual (days without stats count as 0), and the last budget change that landed.
create function public.lfi_api_list_segments(p_as_of date, p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'total', (select count(*) from public.lead_segments),
    'items', coalesce((
      select jsonb_agg(page.item order by page.branch, page.region)
      from (
        select s.branch, s.region, public.lfi_api_segment(s) || jsonb_build_object(
          'latest_plan', (
            select jsonb_build_object(
              'date', p.date, 'target_leads_per_day', p.target_leads_per_day, 'target_source', p.target_source,
              'actual_leads', p.actual_leads, 'lead_gap', p.lead_gap, 'lead_gap_percentage', p.lead_gap_percentage,
              'actual_daily_budget_google_ads', public.lfi_api_money(p.actual_daily_budget_google_ads))
            from public.lead_segment_plans p
            where p.segment_id = s.id
            order by p.date desc
            limit 1),
          'overview', jsonb_build_object(
            'as_of', p_as_of,
            'capacity_partners', cap.capacity_partners,
            'capacity_total_leads', cap.capacity_total_leads,
            'leads_yesterday', week.leads_yesterday,
            'leads_7d_avg', round(coalesce(week.leads_week, 0) / 7.0, 2),
            'last_budget_change', (
              select jsonb_build_object(
                'date', l.date, 'old_value', public.lfi_api_money(l.old_value),
                'new_value', public.lfi_api_money(l.new_value), 'status', l.status,
                'created_at', public.lfi_api_ts(l.created_at))
              from public.channel_orchestration_log l
              -- Spelled to match the one-decision index (segment, channel, date where not a dry
              -- run), so this is a backward index scan that stops at the first change.
              where l.segment_id = s.id and l.channel = 'google_ads' and l.status <> 'dry_run'
                and l.status in ('applied', 'clamped') and l.new_value is distinct from l.old_value
              order by l.date desc
              limit 1))) as item
        from public.lead_segments s
        left join lateral (
          select st.capacity_partners, st.capacity_total_leads
          from public.lead_generation_stats st
          where st.segment_id = s.id and st.date <= p_as_of
          order by st.date desc
          limit 1) cap on true
        left join lateral (
          select sum(st.leads_generated) as leads_week,
                 max(st.leads_generated) filter (where st.date = p_as_of) as leads_yesterday
          from public.lead_generation_stats st
          where st.segment_id = s.id and st.date between p_as_of - 6 and p_as_of) week on true
        order by s.branch, s.region
        limit p_limit offset p_offset) page),
    '[]'::jsonb))
$$;

create function public.lfi_api_segment_stats(p_segment_id uuid, p_from date, p_to date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('segment_id', s.id, 'from', p_from, 'to', p_to, 'items', coalesce((
    select jsonb_agg(jsonb_build_object(
      'date', st.date, 'leads_generated', st.leads_generated, 'leads_accepted', st.leads_accepted,
      'leads_rejected', st.leads_rejected, 'leads_pending', st.leads_pending,
      'revenue', public.lfi_api_money(st.revenue), 'avg_cpl', public.lfi_api_money(st.avg_cpl),
      'google_ads_spend', public.lfi_api_money(st.google_ads_spend),
      'google_ads_clicks', st.google_ads_clicks, 'google_ads_conversions', st.google_ads_conversions,
      'capacity_partners', st.capacity_partners, 'capacity_total_leads', st.capacity_total_leads,
      'capacity_utilization', st.capacity_utilization, 'updated_at', public.lfi_api_ts(st.updated_at))
      order by st.date)
    from public.lead_generation_stats st
    where st.segment_id = s.id and st.date between p_from and p_to), '[]'::jsonb))
  from public.lead_segments s
  where s.id = p_segment_id
$$;

create function public.lfi_api_segment_plans(p_segment_id uuid, p_from date, p_to date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('segment_id', s.id, 'from', p_from, 'to', p_to, 'items', coalesce((
    select jsonb_agg(jsonb_build_object(
      'date', p.date, 'capacity_total_leads', p.capacity_total_leads, 'target_utilization', p.target_utilization,
      'target_leads_per_day', p.target_leads_per_day, 'target_source', p.target_source,
      'override_id', p.override_id, 'actual_leads', p.actual_leads, 'lead_gap', p.lead_gap,
      'lead_gap_percentage', p.lead_gap_percentage,
      'actual_daily_budget_google_ads', public.lfi_api_money(p.actual_daily_budget_google_ads),
      'updated_at', public.lfi_api_ts(p.updated_at))
      order by p.date)
    from public.lead_segment_plans p
    where p.segment_id = s.id and p.date between p_from and p_to), '[]'::jsonb))
  from public.lead_segments s
  where s.id = p_segment_id
$$;

create function public.lfi_api_segment_decisions(
  p_segment_id uuid, p_from date, p_to date, p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'segment_id', s.id, 'from', p_from, 'to', p_to,
    'total', (select count(*) from public.channel_orchestration_log l
              where l.segment_id = s.id and l.date between p_from and p_to),
    'items', coalesce((
      select jsonb_agg(public.lfi_api_decision(page) order by page.date desc, page.created_at desc, page.id)
      from (select l.* from public.channel_orchestration_log l
            where l.segment_id = s.id and l.date between p_from and p_to
            order by l.date desc, l.created_at desc, l.id
            limit p_limit offset p_offset) page), '[]'::jsonb))
  from public.lead_segments s
  where s.id = p_segment_id
$$;

create function public.lfi_api_segment_overrides(p_segment_id uuid, p_today date, p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'segment_id', s.id,
    'total', (select count(*) from public.lead_target_overrides o where o.segment_id = s.id),
    'items', coalesce((
      select jsonb_agg(public.lfi_api_override(page, p_today) order by page.created_at desc, page.id)
      from (select o.* from public.lead_target_overrides o
            where o.segment_id = s.id
            order by o.created_at desc, o.id
            limit p_limit offset p_offset) page), '[]'::jsonb))
  from public.lead_segments s
  where s.id = p_segment_id
$$;

-- What the on-call engineer and the dashboard need at a glance: the kill switch, the last run of
-- each step, the latest decisions, and recent failures (failed steps and failed budget changes).
create function public.lfi_api_orchestration_status(p_limit integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'kill_switch', (
      select jsonb_build_object(
        'enabled', coalesce((st.value ->> 'enabled')::boolean, false),
        'updated_at', public.lfi_api_ts(st.updated_at), 'updated_by', st.updated_by)
      from (select null) dummy
      left join public.lfi_settings st on st.key = 'kill_switch'),
    'steps', coalesce((
      select jsonb_agg(jsonb_build_object(
        'step', r.step, 'run_id', r.id, 'run_date', r.run_date, 'status', r.status, 'dry_run', r.dry_run,
        'started_at', public.lfi_api_ts(r.started_at), 'finished_at', public.lfi_api_ts(r.finished_at),
        'counts', r.counts, 'error_message', r.error_message) order by r.step)
      from (select distinct on (step) * from public.lfi_runs order by step, started_at desc) r), '[]'::jsonb),
    'recent_decisions', coalesce((
      select jsonb_agg(public.lfi_api_decision(l) || jsonb_build_object('segment_code', s.code)
                       order by l.created_at desc, l.id)
      from (select * from public.channel_orchestration_log order by created_at desc, id limit p_limit) l
      join public.lead_segments s on s.id = l.segment_id), '[]'::jsonb),
    'failures', jsonb_build_object(
      'runs', coalesce((
        select jsonb_agg(jsonb_build_object(
          'run_id', r.id, 'step', r.step, 'run_date', r.run_date,
          'started_at', public.lfi_api_ts(r.started_at), 'error_message', r.error_message)
          order by r.started_at desc, r.id)
        from (select * from public.lfi_runs where status = 'failed' order by started_at desc, id limit p_limit) r),
        '[]'::jsonb),
      'decisions', coalesce((
        select jsonb_agg(public.lfi_api_decision(l) || jsonb_build_object('segment_code', s.code)
                         order by l.created_at desc, l.id)
        from (select * from public.channel_orchestration_log where status = 'failed'
              order by created_at desc, id limit p_limit) l
        join public.lead_segments s on s.id = l.segment_id), '[]'::jsonb)))
$$;

-- Writes. p_actor is {"sub": ..., "email": ...} from the caller's token; the label kept in the
-- tables is the email when there is one.
create function public.lfi_api_actor_label(p_actor jsonb)
returns text
language sql immutable
set search_path = ''
as $$ select coalesce(nullif(p_actor ->> 'email', ''), p_actor ->> 'sub', 'unknown') $$;

create function public.lfi_api_create_segment(p_segment jsonb, p_actor jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_branch text := p_segment ->> 'branch';
  v_region text := p_segment ->> 'region';
  v_row public.lead_segments;
begin
  insert into public.lead_segments (code, branch, region, name, is_active, target_utilization)
  values (
    regexp_replace(v_branch, '[^a-z0-9]+', '-', 'g') || '-' || v_region,
    v_branch,
    v_region,
    coalesce(p_segment ->> 'name',
             initcap(v_branch) || ' ' || coalesce((select r.name from public.lfi_regions r where r.code = v_region), v_region)),
    coalesce((p_segment ->> 'is_active')::boolean, true),
    coalesce((p_segment ->> 'target_utilization')::numeric, 0.800))
  returning * into v_row;
  perform public.lfi_log('info', 'api', 'segment created',
    jsonb_build_object('actor', p_actor, 'segment_id', v_row.id, 'segment', p_segment));
  return jsonb_build_object('outcome', 'created', 'segment', public.lfi_api_segment(v_row));
exception
  when unique_violation then return jsonb_build_object('outcome', 'conflict');
  when foreign_key_violation then return jsonb_build_object('outcome', 'unknown_region');
end
$$;

create function public.lfi_api_set_override(p_segment_id uuid, p_override jsonb, p_today date, p_actor jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.lead_target_overrides;
begin
  if not exists (select from public.lead_segments s where s.id = p_segment_id) then
    return jsonb_build_object('outcome', 'not_found');
  end if;
  insert into public.lead_target_overrides (segment_id, target_leads_per_day, valid_from, valid_to, reason, created_by)
  values (
    p_segment_id,
    (p_override ->> 'target_leads_per_day')::integer,
    (p_override ->> 'valid_from')::date,
    (p_override ->> 'valid_to')::date,
    p_override ->> 'reason',
    public.lfi_api_actor_label(p_actor))
  returning * into v_row;
  perform public.lfi_log('info', 'api', 'target override set',
    jsonb_build_object('actor', p_actor, 'segment_id', p_segment_id, 'override_id', v_row.id, 'override', p_override));
  return jsonb_build_object('outcome', 'created', 'override', public.lfi_api_override(v_row, p_today));
end
$$;

-- Clearing twice is a no-op that returns the override as it is (and logs nothing new).
create function public.lfi_api_clear_override(p_segment_id uuid, p_override_id uuid, p_today date, p_actor jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.lead_target_overrides;
begin
  update public.lead_target_overrides o
     set cleared_at = now(), cleared_by = public.lfi_api_actor_label(p_actor)
   where o.id = p_override_id and o.segment_id = p_segment_id and o.cleared_at is null
  returning * into v_row;
  if found then
    perform public.lfi_log('info', 'api', 'target override cleared',
      jsonb_build_object('actor', p_actor, 'segment_id', p_segment_id, 'override_id', p_override_id));
  else
    select * into v_row from public.lead_target_overrides o where o.id = p_override_id and o.segment_id = p_segment_id;
    if not found then return jsonb_build_object('outcome', 'not_found'); end if;
  end if;
  return jsonb_build_object('outcome', 'cleared', 'override', public.lfi_api_override(v_row, p_today));
end
$$;

create function public.lfi_api_set_segment_paused(p_segment_id uuid, p_paused boolean, p_reason text, p_actor jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.lead_segments;
begin
  update public.lead_segments s
     set orchestration_paused = p_paused, updated_at = now()
   where s.id = p_segment_id
  returning * into v_row;
  if not found then return jsonb_build_object('outcome', 'not_found'); end if;
  perform public.lfi_log('info', 'api', case when p_paused then 'segment orchestration paused' else 'segment orchestration resumed' end,
    jsonb_build_object('actor', p_actor, 'segment_id', p_segment_id, 'reason', p_reason));
  return jsonb_build_object('outcome', 'updated', 'segment', public.lfi_api_segment(v_row));
end
$$;

create function public.lfi_api_set_kill_switch(p_enabled boolean, p_reason text, p_actor jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.lfi_settings;
begin
  insert into public.lfi_settings (key, value, updated_at, updated_by)
  values ('kill_switch', jsonb_build_object('enabled', p_enabled), now(), public.lfi_api_actor_label(p_actor))
  on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
  returning * into v_row;
  perform public.lfi_log(case when p_enabled then 'warn' else 'info' end, 'api',
    case when p_enabled then 'kill switch enabled' else 'kill switch disabled' end,
    jsonb_build_object('actor', p_actor, 'reason', p_reason));
  return jsonb_build_object('outcome', 'updated', 'kill_switch', jsonb_build_object(
    'enabled', p_enabled, 'updated_at', public.lfi_api_ts(v_row.updated_at), 'updated_by', v_row.updated_by));
end
$$;

revoke execute on function public.lfi_api_ts(timestamptz) from public, anon, authenticated;
revoke execute on function public.lfi_api_money(numeric) from public, anon, authenticated;
revoke execute on function public.lfi_api_segment(public.lead_segments) from public, anon, authenticated;
revoke execute on function public.lfi_api_decision(public.channel_orchestration_log) from public, anon, authenticated;
revoke execute on function public.lfi_api_override(public.lead_target_overrides, date) from public, anon, authenticated;
revoke execute on function public.lfi_api_list_segments(date, integer, integer) from public, anon, authenticated;
revoke execute on function public.lfi_api_segment_stats(uuid, date, date) from public, anon, authenticated;
revoke execute on function public.lfi_api_segment_plans(uuid, date, date) from public, anon, authenticated;
revoke execute on function public.lfi_api_segment_decisions(uuid, date, date, integer, integer) from public, anon, authenticated;
revoke execute on function public.lfi_api_segment_overrides(uuid, date, integer, integer) from public, anon, authenticated;
revoke execute on function public.lfi_api_orchestration_status(integer) from public, anon, authenticated;
revoke execute on function public.lfi_api_actor_label(jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_api_create_segment(jsonb, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_api_set_override(uuid, jsonb, date, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_api_clear_override(uuid, uuid, date, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_api_set_segment_paused(uuid, boolean, text, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_api_set_kill_switch(boolean, text, jsonb) from public, anon, authenticated;
