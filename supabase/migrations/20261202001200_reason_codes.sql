-- Decisions as data, runs as history, and lighter reads for the dashboard.
--
-- * Each decision keeps its reason as a code with parameters (reason_code, reason_params) beside
--   the one-line English explanation, so the API and the dashboard can say it in any language.
-- * Each run records who started it (lfi_runs.started_by), and the API lists every run with what
--   it did, so a rerun that found everything decided is told apart from the night that acted.
-- * One segment, and the kill switch, can be read on their own.
-- * The overview describes one business day (as_of: the latest planned day) and the budget the
--   ads account holds, not the plan's last record of it.

alter table public.channel_orchestration_log
  add column reason_code text,
  add column reason_params jsonb not null default '{}'::jsonb;
comment on column public.channel_orchestration_log.reason_code is
  'The rule that decided (shared/domain/decision-reason.ts: kill_switch, paused, max_daily_change, model, ...); null on rows from before it was recorded.';
comment on column public.channel_orchestration_log.reason_params is
  'The numbers behind the reason (budgets as strings of euros, the gap, the model''s estimates), enough to say the explanation in any language.';

alter table public.lfi_runs add column started_by text;
comment on column public.lfi_runs.started_by is
  'Who started the run: the state machine input''s startedBy (e.g. lfi on this machine); null is the nightly schedule.';

-- As before, with the run's starter recorded.
drop function public.lfi_start_run(date, text, boolean, text);
create function public.lfi_start_run(
  p_run_date date, p_step text, p_dry_run boolean, p_execution_id text default null, p_started_by text default null)
returns uuid
language sql
set search_path = ''
as $$
  insert into public.lfi_runs (run_date, step, status, dry_run, execution_id, started_by)
  values (p_run_date, p_step, 'running', p_dry_run, p_execution_id, p_started_by)
  returning id;
$$;

-- The budget a logged decision left in the ads account: its new value once it landed (applied,
-- clamped, adopted by hand, restored), else the one it found. The plans and the overview read it here.
create function public.lfi_budget_after(p_status text, p_old numeric, p_new numeric)
returns numeric
language sql immutable
set search_path = ''
as $$ select case when p_status in ('applied', 'clamped', 'adopted', 'restored') then p_new else p_old end $$;

-- As before (20261202000300), with settles_as and the reason, and restores recorded beside the
-- night's decision (never on its plan: the plan keeps the budget the night left). Settling an earlier attempt's change sends no
-- reason of its own: the row keeps the one it was claimed with.
create or replace function public.lfi_record_decisions(p_run_id uuid, p_date date, p_decisions jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_recorded integer;
begin
  with incoming as (
    select * from jsonb_to_recordset(p_decisions) as d(
      segment_id uuid, plan_id uuid, channel text, customer_id text, campaign_id text, action_type text,
      old_value numeric, new_value numeric, status text, settles_as text, explanation text, reason_code text,
      reason_params jsonb, error_message text)
  ), written as (
    insert into public.channel_orchestration_log as l (
      segment_id, plan_id, run_id, date, channel, customer_id, campaign_id, action_type,
      old_value, new_value, status, settles_as, explanation, reason_code, reason_params, error_message)
    select segment_id, plan_id, p_run_id, p_date, channel, customer_id, campaign_id, action_type,
           old_value, new_value, status, settles_as, explanation, reason_code, coalesce(reason_params, '{}'::jsonb),
           error_message
      from incoming
    on conflict (segment_id, channel, date) where status not in ('dry_run', 'restored', 'restore_failed') do update
       set status = excluded.status, action_type = excluded.action_type, old_value = excluded.old_value,
           new_value = excluded.new_value, settles_as = excluded.settles_as, explanation = excluded.explanation,
           reason_code = coalesce(excluded.reason_code, l.reason_code),
           reason_params = case when excluded.reason_code is null then l.reason_params else excluded.reason_params end,
           error_message = excluded.error_message, run_id = excluded.run_id, created_at = now()
     where l.status in ('applying', 'failed')
    returning l.segment_id, l.plan_id, l.status, l.old_value, l.new_value
  ), budgets as (
    update public.lead_segment_plans p
       set actual_daily_budget_google_ads = public.lfi_budget_after(w.status, w.old_value, w.new_value),
           updated_at = now()
      from written w
     where p.id = w.plan_id and w.status in ('applied', 'clamped', 'adopted', 'skipped', 'failed')
    returning 1
  )
  select count(*) into v_recorded from written;
  return jsonb_build_object('decisions_recorded', v_recorded);
end;
$$;

create or replace function public.lfi_api_decision(l public.channel_orchestration_log)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', l.id, 'segment_id', l.segment_id, 'run_id', l.run_id, 'date', l.date, 'channel', l.channel,
    'customer_id', l.customer_id, 'campaign_id', l.campaign_id, 'action_type', l.action_type,
    'old_value', public.lfi_api_money(l.old_value), 'new_value', public.lfi_api_money(l.new_value),
    'status', l.status, 'explanation', l.explanation,
    'reason_code', l.reason_code, 'reason_params', l.reason_params,
    'error_message', l.error_message, 'created_at', public.lfi_api_ts(l.created_at))
$$;

-- What `lfi run` prints, as before (20261125000500), with the decision's reason.
create or replace function public.lfi_run_report(p_date date, p_channel text default 'google_ads')
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'segment_id', s.id,
           'code', s.code,
           'capacity_total_leads', p.capacity_total_leads,
           'target_leads_per_day', p.target_leads_per_day,
           'target_source', p.target_source,
           'actual_leads', p.actual_leads,
           'lead_gap', p.lead_gap,
           'lead_gap_percentage', p.lead_gap_percentage,
           'budget', p.actual_daily_budget_google_ads,
           'decision', d.decision
         ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    join public.lead_segment_plans p on p.segment_id = s.id and p.date = p_date
    left join lateral (
      select jsonb_build_object('action_type', l.action_type, 'status', l.status, 'old_value', l.old_value,
                                'new_value', l.new_value, 'explanation', l.explanation,
                                'reason_code', l.reason_code, 'reason_params', l.reason_params,
                                'error_message', l.error_message) as decision
        from public.channel_orchestration_log l
       where l.segment_id = s.id and l.channel = p_channel and l.date = p_date
       order by (l.status = 'dry_run'), l.created_at desc
       limit 1
    ) d on true
   where s.is_active;
$$;

-- The business day an overview describes: the latest planned day, so targets, gaps, actuals and
-- budgets on one page are of one day; yesterday when nothing is planned yet.
create function public.lfi_api_as_of(p_yesterday date)
returns date
language sql stable
set search_path = ''
as $$ select coalesce((select max(p.date) from public.lead_segment_plans p), p_yesterday) $$;

-- One segment as the overview shows it, for the business day p_as_of: its plan that day,
-- capacity, that day's and the 7-day average actual, the last budget change up to it, and the
-- budget the ads account holds (the latest real decision's outcome, else the ads report's).
create function public.lfi_api_segment_overview(s public.lead_segments, p_as_of date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select public.lfi_api_segment(s) || jsonb_build_object(
    'latest_plan', (
      select jsonb_build_object(
        'date', p.date, 'target_leads_per_day', p.target_leads_per_day, 'target_source', p.target_source,
        'actual_leads', p.actual_leads, 'lead_gap', p.lead_gap, 'lead_gap_percentage', p.lead_gap_percentage,
        'actual_daily_budget_google_ads', public.lfi_api_money(p.actual_daily_budget_google_ads))
      from public.lead_segment_plans p
      where p.segment_id = s.id and p.date = p_as_of),
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
        where l.segment_id = s.id and l.channel = 'google_ads'
          and l.status in ('applied', 'clamped') and l.new_value is distinct from l.old_value
          and l.date <= p_as_of
        order by l.date desc
        limit 1),
      -- The newer of the two: a decision on day D sets the budget from D on, after that day's report.
      'current_budget', (
        select jsonb_build_object('amount', public.lfi_api_money(b.amount), 'date', b.date, 'source', b.source)
        from (
          (select public.lfi_budget_after(l.status, l.old_value, l.new_value) as amount,
                  l.date, 'decision' as source, 1 as rank
           from public.channel_orchestration_log l
           where l.segment_id = s.id and l.channel = 'google_ads'
             and l.status not in ('dry_run', 'applying') and l.date <= p_as_of
           order by l.date desc, l.created_at desc
           limit 1)
          union all
          (select st.google_ads_budget, st.date, 'ads_report', 0
           from public.lead_generation_stats st
           where st.segment_id = s.id and st.date <= p_as_of and st.google_ads_budget is not null
           order by st.date desc
           limit 1)) b
        order by b.date desc, b.rank desc
        limit 1)))
  from (select 1) one
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
$$;

create or replace function public.lfi_api_list_segments(p_as_of date, p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  with day as (select public.lfi_api_as_of(p_as_of) as as_of)
  select jsonb_build_object(
    'as_of', day.as_of,
    'total', (select count(*) from public.lead_segments),
    'items', coalesce((
      select jsonb_agg(public.lfi_api_segment_overview(page, day.as_of) order by page.branch, page.region)
      from (select * from public.lead_segments s order by s.branch, s.region limit p_limit offset p_offset) page),
      '[]'::jsonb))
  from day
$$;

-- GET /api/lead-segments/{id}: one segment as the overview shows it; null when there is none.
create function public.lfi_api_get_segment(p_segment_id uuid, p_as_of date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select public.lfi_api_segment_overview(s, public.lfi_api_as_of(p_as_of))
  from public.lead_segments s
  where s.id = p_segment_id
$$;

-- GET /api/orchestration/kill-switch: the badge every page shows, without the whole status.
create function public.lfi_api_kill_switch()
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'enabled', coalesce((st.value ->> 'enabled')::boolean, false),
    'updated_at', public.lfi_api_ts(st.updated_at), 'updated_by', st.updated_by)
  from (select null) dummy
  left join public.lfi_settings st on st.key = 'kill_switch'
$$;

-- GET /api/orchestration/runs: every run of every step, newest first, with who started it and,
-- for Orchestrate, what it did: decisions recorded by that run and budgets it changed. A rerun
-- of a decided date records nothing (the night that acted keeps its decisions).
create function public.lfi_api_runs(p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'total', (select count(*) from public.lfi_runs),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
        'run_id', r.id, 'step', r.step, 'run_date', r.run_date, 'status', r.status, 'dry_run', r.dry_run,
        'started_at', public.lfi_api_ts(r.started_at), 'finished_at', public.lfi_api_ts(r.finished_at),
        'started_by', r.started_by, 'counts', r.counts, 'error_message', r.error_message,
        'decisions_recorded', case when r.step = 'orchestrate' then d.recorded end,
        'budgets_changed', case when r.step = 'orchestrate' then d.changed end)
        order by r.started_at desc, r.id)
      from (select * from public.lfi_runs order by started_at desc, id limit p_limit offset p_offset) r
      left join lateral (
        select count(*) as recorded,
               count(*) filter (where l.status in ('applied', 'clamped') and l.new_value is distinct from l.old_value) as changed
        from public.channel_orchestration_log l
        where l.run_id = r.id) d on true), '[]'::jsonb))
$$;

call lfi_private.lfi_revoke_api_access();
