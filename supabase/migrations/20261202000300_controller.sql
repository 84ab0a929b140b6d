-- The budget controller's database side: one gap definition (target vs the recent average, the
-- one the controller acts on), fractional targets (a capacity of 1.0 at 0.8 is a target of 0.80,
-- not 0), the day-by-day history the response model is fitted on (with the budget and
-- budget-lost impression share the Aggregate step stores since 20261202000100), and budgets
-- changed by hand adopted as the new baseline.

alter table public.lead_segment_plans
  alter column target_leads_per_day type numeric(10, 2),
  alter column lead_gap type numeric(10, 2),
  add column recent_leads_per_day numeric(10, 2) not null default 0 check (recent_leads_per_day >= 0);
comment on column public.lead_segment_plans.lead_gap is 'target_leads_per_day − recent_leads_per_day: the gap the controller acts on.';
comment on column public.lead_segment_plans.recent_leads_per_day is 'Average leads a day over the recent window (7 days by default) ending at date.';

-- adopted: a budget changed by hand in the ads account, taken as LFI's new baseline.
alter table public.channel_orchestration_log drop constraint channel_orchestration_log_status_check;
alter table public.channel_orchestration_log add constraint channel_orchestration_log_status_check
  check (status in ('applying', 'applied', 'clamped', 'adopted', 'skipped', 'failed', 'dry_run'));

-- Plan inputs: as before, plus the leads of the recent window ending at the date.
drop function public.lfi_plan_inputs(date);
create function public.lfi_plan_inputs(p_date date, p_recent_days integer default 7)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'segment_id', s.id,
           'code', s.code,
           'is_active', s.is_active,
           'target_utilization', s.target_utilization,
           'capacity_total_leads', coalesce(st.capacity_total_leads, 0),
           'actual_leads', coalesce(st.leads_generated, 0),
           'recent_leads', coalesce((
             select sum(r.leads_generated) from public.lead_generation_stats r
              where r.segment_id = s.id and r.date > p_date - p_recent_days and r.date <= p_date), 0),
           'overrides', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'id', o.id, 'target_leads_per_day', o.target_leads_per_day,
                      'valid_from', o.valid_from, 'valid_to', o.valid_to,
                      'created_at', o.created_at, 'cleared_at', o.cleared_at))
               from public.lead_target_overrides o
              where o.segment_id = s.id and o.valid_from <= p_date
                and (o.valid_to is null or o.valid_to >= p_date) and o.cleared_at is null), '[]'::jsonb)
         ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    left join public.lead_generation_stats st on st.segment_id = s.id and st.date = p_date
   where s.is_active;
$$;
revoke execute on function public.lfi_plan_inputs(date, integer) from public, anon, authenticated;

create or replace function public.lfi_save_plans(p_date date, p_plans jsonb)
returns jsonb
language sql
set search_path = ''
as $$
  with saved as (
    insert into public.lead_segment_plans as p (
      segment_id, date, capacity_total_leads, target_utilization, target_leads_per_day, target_source,
      override_id, actual_leads, recent_leads_per_day, lead_gap, lead_gap_percentage)
    select x.segment_id, p_date, x.capacity_total_leads, x.target_utilization, x.target_leads_per_day, x.target_source,
           x.override_id, x.actual_leads, x.recent_leads_per_day, x.lead_gap, x.lead_gap_percentage
      from jsonb_to_recordset(p_plans) as x(
        segment_id uuid, capacity_total_leads numeric, target_utilization numeric, target_leads_per_day numeric,
        target_source text, override_id uuid, actual_leads integer, recent_leads_per_day numeric, lead_gap numeric,
        lead_gap_percentage numeric)
    on conflict (segment_id, date) do update
       set capacity_total_leads = excluded.capacity_total_leads,
           target_utilization = excluded.target_utilization,
           target_leads_per_day = excluded.target_leads_per_day,
           target_source = excluded.target_source,
           override_id = excluded.override_id,
           actual_leads = excluded.actual_leads,
           recent_leads_per_day = excluded.recent_leads_per_day,
           lead_gap = excluded.lead_gap,
           lead_gap_percentage = excluded.lead_gap_percentage,
           updated_at = now()
    returning 1
  )
  select jsonb_build_object('plans_saved', count(*)) from saved;
$$;

-- Orchestrate inputs: per active, mapped segment with a plan for the date: the plan, the
-- lookback's days one by one (leads, spend, the budget in force, budget-lost impression share),
-- revenue and decided leads (what a lead earns), its campaigns, the decision already taken for
-- the date, and the budget LFI last set or adopted.
drop function public.lfi_orchestration_inputs(date, text, integer, integer);
create function public.lfi_orchestration_inputs(
  p_date date, p_channel text default 'google_ads', p_lookback_days integer default 28)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with campaigns as (
    select c.segment_id,
           jsonb_agg(jsonb_build_object('customer_id', c.customer_id, 'campaign_id', c.campaign_id)
                     order by c.customer_id, c.campaign_id) as campaigns
      from public.lead_segment_campaigns c
     where c.is_active and c.channel = p_channel
     group by c.segment_id
  ), days as (
    select st.segment_id,
           jsonb_agg(jsonb_build_object(
             'date', st.date,
             'leads', st.leads_generated,
             'spend_micros', (st.google_ads_spend * 1000000)::bigint,
             -- The budget in force that day: as the report gives it, else what LFI recorded the night before.
             'budget_micros', (coalesce(st.google_ads_budget, prev.actual_daily_budget_google_ads) * 1000000)::bigint,
             'lost_share', st.google_ads_budget_lost_impression_share
           ) order by st.date) as history,
           sum(st.revenue) as revenue,
           sum(st.leads_accepted + st.leads_rejected) as decided_leads
      from public.lead_generation_stats st
      left join public.lead_segment_plans prev on prev.segment_id = st.segment_id and prev.date = st.date - 1
     where st.date > p_date - p_lookback_days and st.date <= p_date
     group by st.segment_id
  )
  select coalesce(jsonb_agg(jsonb_build_object(
      'segment_id', s.id,
      'code', s.code,
      'branch', s.branch,
      'paused', s.orchestration_paused,
      'plan_id', p.id,
      'target_leads_per_day', p.target_leads_per_day,
      'recent_leads_per_day', p.recent_leads_per_day,
      'actual_leads', p.actual_leads,
      'capacity_total_leads', p.capacity_total_leads,
      'history', coalesce(d.history, '[]'::jsonb),
      'revenue', coalesce(d.revenue, 0),
      'decided_leads', coalesce(d.decided_leads, 0),
      'campaigns', c.campaigns,
      'decision', (
        select jsonb_build_object('status', l.status, 'new_value', l.new_value, 'old_value', l.old_value,
                                  'action_type', l.action_type, 'explanation', l.explanation)
          from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.date = p_date and l.status <> 'dry_run'),
      'last_set_budget', (
        select l.new_value from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.status in ('applied', 'clamped', 'adopted')
           and l.date < p_date
         order by l.date desc limit 1)
    ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    join public.lead_segment_plans p on p.segment_id = s.id and p.date = p_date
    join campaigns c on c.segment_id = s.id
    left join days d on d.segment_id = s.id
   where s.is_active;
$$;
revoke execute on function public.lfi_orchestration_inputs(date, text, integer) from public, anon, authenticated;

-- As before, with adopted budgets settled like applied ones: the plan records the budget in force.
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
      old_value numeric, new_value numeric, status text, explanation text, error_message text)
  ), written as (
    insert into public.channel_orchestration_log as l (
      segment_id, plan_id, run_id, date, channel, customer_id, campaign_id, action_type,
      old_value, new_value, status, explanation, error_message)
    select segment_id, plan_id, p_run_id, p_date, channel, customer_id, campaign_id, action_type,
           old_value, new_value, status, explanation, error_message
      from incoming
    on conflict (segment_id, channel, date) where status <> 'dry_run' do update
       set status = excluded.status, action_type = excluded.action_type, old_value = excluded.old_value,
           new_value = excluded.new_value, explanation = excluded.explanation,
           error_message = excluded.error_message, run_id = excluded.run_id, created_at = now()
     where l.status in ('applying', 'failed')
    returning l.segment_id, l.plan_id, l.status, l.old_value, l.new_value
  ), budgets as (
    update public.lead_segment_plans p
       set actual_daily_budget_google_ads =
             case when w.status in ('applied', 'clamped', 'adopted') then w.new_value else w.old_value end,
           updated_at = now()
      from written w
     where p.id = w.plan_id and w.status in ('applied', 'clamped', 'adopted', 'skipped', 'failed')
    returning 1
  )
  select count(*) into v_recorded from written;
  return jsonb_build_object('decisions_recorded', v_recorded);
end;
$$;
