-- Operations at night: one run per date at a time (a lease held through the run), runs that died
-- marked stale by the next one, nights with failed changes reported as partial, a settled decision
-- that keeps the status it was claimed with, decisions for past dates logged as not sent, and
-- restoring the budgets a night changed.

-- ---- Run records ----

-- partial: the step finished but some budget changes failed. stale: a run that stopped without
-- finishing (its process died or timed out), found by the next run of its date.
alter table public.lfi_runs drop constraint lfi_runs_status_check;
alter table public.lfi_runs add constraint lfi_runs_status_check
  check (status in ('running', 'succeeded', 'partial', 'failed', 'stale'));
comment on column public.lfi_runs.execution_id is
  'The execution the step ran in: the Step Functions execution ARN in AWS, local:<uuid> for a local run.';
create index lfi_runs_running_idx on public.lfi_runs (run_date) where status = 'running';

-- As in 20261125000500, and a partial run goes to the system log too (as a warning).
create or replace function public.lfi_finish_run(p_run_id uuid, p_status text, p_counts jsonb default '{}', p_error text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.lfi_runs
     set status = p_status, counts = coalesce(p_counts, '{}'::jsonb), error_message = p_error, finished_at = now()
   where id = p_run_id;
  if not found then
    raise exception 'No run % to finish', p_run_id using errcode = 'no_data_found';
  end if;
  if p_status in ('failed', 'partial') then
    insert into public.lfi_system_log (level, source, message, context)
    select case p_status when 'failed' then 'error' else 'warn' end, 'pipeline.' || r.step,
           coalesce(p_error, p_status),
           jsonb_build_object('run_id', r.id, 'run_date', r.run_date, 'execution_id', r.execution_id, 'counts', r.counts)
      from public.lfi_runs r where r.id = p_run_id;
  end if;
end;
$$;

-- ---- The lease: one run per date at a time ----

create table public.lfi_run_leases (
  run_date date primary key,
  holder text not null check (holder <> ''),
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null
);
comment on table public.lfi_run_leases is
  'One row per business day being run: which execution holds it and until when. A row past expires_at belongs to a run that died and may be taken over.';
alter table public.lfi_run_leases enable row level security;

-- Takes the lease of a date for p_holder, or renews it when p_holder has it already. A lease held
-- by another execution and not expired is not taken: the answer names its holder. Whoever takes
-- the lease is the only run of the date, so every run row of the date still `running` is dead
-- (an earlier attempt of this execution, or a run that died) and is marked stale.
create function public.lfi_acquire_run_lease(p_run_date date, p_holder text, p_ttl_seconds integer)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_lease public.lfi_run_leases;
  v_stale integer;
begin
  insert into public.lfi_run_leases as l (run_date, holder, acquired_at, expires_at)
  values (p_run_date, p_holder, pg_catalog.now(), pg_catalog.now() + pg_catalog.make_interval(secs => p_ttl_seconds))
  on conflict (run_date) do update
     set holder = excluded.holder,
         acquired_at = case when l.holder = excluded.holder then l.acquired_at else excluded.acquired_at end,
         expires_at = excluded.expires_at
   where l.holder = excluded.holder or l.expires_at < pg_catalog.now()
  returning * into v_lease;
  if not found then
    select * into v_lease from public.lfi_run_leases where run_date = p_run_date;
    return pg_catalog.jsonb_build_object('acquired', false, 'holder', v_lease.holder,
      'acquired_at', v_lease.acquired_at, 'expires_at', v_lease.expires_at);
  end if;
  with stale as (
    update public.lfi_runs
       set status = 'stale', finished_at = pg_catalog.now(),
           error_message = 'The step stopped without finishing (its process died or timed out); found by execution '
                           || p_holder || '.'
     where run_date = p_run_date and status = 'running' and step <> 'pipeline'
    returning 1
  )
  select pg_catalog.count(*) into v_stale from stale;
  return pg_catalog.jsonb_build_object('acquired', true, 'holder', v_lease.holder,
    'acquired_at', v_lease.acquired_at, 'expires_at', v_lease.expires_at, 'stale_runs', v_stale);
end
$$;

create function public.lfi_release_run_lease(p_run_date date, p_holder text)
returns void
language sql
set search_path = ''
as $$
  delete from public.lfi_run_leases where run_date = p_run_date and holder = p_holder;
$$;

-- ---- Decisions: settled status, not sent, restored ----

-- settles_as: what a claimed change (`applying`) becomes once it landed, so a retry that finds it
-- landed keeps `clamped` a `clamped`. not_sent: what a run for a past date would have decided
-- (only the latest complete business day changes live budgets). restored / restore_failed: a
-- budget put back to its value before the night (`lfi restore`), several per night allowed.
alter table public.channel_orchestration_log
  add column settles_as text check (settles_as in ('applied', 'clamped'));
comment on column public.channel_orchestration_log.settles_as is
  'For a claimed change: the status it settles as once it landed (applied or clamped).';
alter table public.channel_orchestration_log drop constraint channel_orchestration_log_status_check;
alter table public.channel_orchestration_log add constraint channel_orchestration_log_status_check
  check (status in ('applying', 'applied', 'clamped', 'adopted', 'skipped', 'failed', 'dry_run', 'not_sent',
                    'restored', 'restore_failed'));

-- Restores are recorded beside the night's decision, so they leave the one-decision index.
drop index public.channel_orchestration_log_one_decision_idx;
create unique index channel_orchestration_log_one_decision_idx
  on public.channel_orchestration_log (segment_id, channel, date)
  where status not in ('dry_run', 'restored', 'restore_failed');

-- Orchestrate inputs: as in 20261202000300, with the claimed change's settles_as, and the budget
-- LFI last set counting a restore (it is newer than the decision of the night it restored).
create or replace function public.lfi_orchestration_inputs(
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
                                  'action_type', l.action_type, 'explanation', l.explanation,
                                  'settles_as', l.settles_as)
          from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.date = p_date
           and l.status not in ('dry_run', 'restored', 'restore_failed')),
      'last_set_budget', (
        select l.new_value from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.status in ('applied', 'clamped', 'adopted', 'restored')
           and l.date < p_date
         order by l.date desc, (l.status = 'restored') desc, l.created_at desc limit 1)
    ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    join public.lead_segment_plans p on p.segment_id = s.id and p.date = p_date
    join campaigns c on c.segment_id = s.id
    left join days d on d.segment_id = s.id
   where s.is_active;
$$;

-- lfi_record_decisions learns settles_as and the restores (recorded beside the night's decision,
-- never on its plan) in 20261202001200, together with the reasons.

-- ---- Restore ----

-- What `lfi restore --date D` works from: every segment whose budget the night of D changed
-- (applied or clamped, old ≠ new), with its campaigns. Whether the budget is still what the night
-- set is for the caller to ask the ads channel.
create function public.lfi_restore_inputs(p_date date, p_channel text default 'google_ads')
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'segment_id', s.id,
      'code', s.code,
      'paused', s.orchestration_paused,
      'plan_id', l.plan_id,
      'old_value', l.old_value,
      'new_value', l.new_value,
      'campaigns', coalesce((
        select jsonb_agg(jsonb_build_object('customer_id', c.customer_id, 'campaign_id', c.campaign_id)
                         order by c.customer_id, c.campaign_id)
          from public.lead_segment_campaigns c
         where c.segment_id = s.id and c.is_active and c.channel = p_channel), '[]'::jsonb)
    ) order by s.code), '[]'::jsonb)
    from public.channel_orchestration_log l
    join public.lead_segments s on s.id = l.segment_id
   where l.channel = p_channel and l.date = p_date and l.status in ('applied', 'clamped')
     and l.old_value is distinct from l.new_value;
$$;

call lfi_private.lfi_revoke_api_access();
