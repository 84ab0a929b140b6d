-- The Plan and Orchestrate steps' database side: each step reads its inputs as one jsonb
-- document and writes its results in one call, so a nightly run makes a fixed number of round
-- trips whatever the number of segments. The decisions themselves are pure TypeScript
-- (shared/domain); these functions only gather and store.

create function public.lfi_start_run(p_run_date date, p_step text, p_dry_run boolean, p_execution_id text default null)
returns uuid
language sql
as $$
  insert into public.lfi_runs (run_date, step, status, dry_run, execution_id)
  values (p_run_date, p_step, 'running', p_dry_run, p_execution_id)
  returning id;
$$;

create function public.lfi_finish_run(p_run_id uuid, p_status text, p_counts jsonb default '{}', p_error text default null)
returns void
language plpgsql
as $$
begin
  update public.lfi_runs
     set status = p_status, counts = coalesce(p_counts, '{}'::jsonb), error_message = p_error, finished_at = now()
   where id = p_run_id;
  if not found then
    raise exception 'No run % to finish', p_run_id using errcode = 'no_data_found';
  end if;
  if p_status = 'failed' then
    insert into public.lfi_system_log (level, source, message, context)
    select 'error', 'pipeline.' || r.step, coalesce(p_error, 'failed'), jsonb_build_object('run_id', r.id, 'run_date', r.run_date)
      from public.lfi_runs r where r.id = p_run_id;
  end if;
end;
$$;

create function public.lfi_log(p_level text, p_source text, p_message text, p_context jsonb default '{}')
returns void
language sql
as $$
  insert into public.lfi_system_log (level, source, message, context) values (p_level, p_source, p_message, coalesce(p_context, '{}'::jsonb));
$$;

-- Plan inputs: every active segment with its capacity and actual leads on the date (from the
-- aggregated stats; none yet means 0) and the overrides whose validity covers the date.
create function public.lfi_plan_inputs(p_date date)
returns jsonb
language sql
stable
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'segment_id', s.id,
           'code', s.code,
           'is_active', s.is_active,
           'target_utilization', s.target_utilization,
           'capacity_total_leads', coalesce(st.capacity_total_leads, 0),
           'actual_leads', coalesce(st.leads_generated, 0),
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

-- Re-planning a date overwrites target and gap but keeps the budget Orchestrate recorded.
create function public.lfi_save_plans(p_date date, p_plans jsonb)
returns jsonb
language sql
as $$
  with saved as (
    insert into public.lead_segment_plans as p (
      segment_id, date, capacity_total_leads, target_utilization, target_leads_per_day, target_source,
      override_id, actual_leads, lead_gap, lead_gap_percentage)
    select x.segment_id, p_date, x.capacity_total_leads, x.target_utilization, x.target_leads_per_day, x.target_source,
           x.override_id, x.actual_leads, x.lead_gap, x.lead_gap_percentage
      from jsonb_to_recordset(p_plans) as x(
        segment_id uuid, capacity_total_leads numeric, target_utilization numeric, target_leads_per_day integer,
        target_source text, override_id uuid, actual_leads integer, lead_gap integer, lead_gap_percentage numeric)
    on conflict (segment_id, date) do update
       set capacity_total_leads = excluded.capacity_total_leads,
           target_utilization = excluded.target_utilization,
           target_leads_per_day = excluded.target_leads_per_day,
           target_source = excluded.target_source,
           override_id = excluded.override_id,
           actual_leads = excluded.actual_leads,
           lead_gap = excluded.lead_gap,
           lead_gap_percentage = excluded.lead_gap_percentage,
           updated_at = now()
    returning 1
  )
  select jsonb_build_object('plans_saved', count(*)) from saved;
$$;

-- Orchestrate inputs: per active, mapped segment with a plan for the date: the plan, recent
-- actuals, trailing spend and leads for the cost per lead, its campaigns, and any decision
-- already taken for this date (so a repeated run changes nothing twice).
create function public.lfi_orchestration_inputs(
  p_date date, p_channel text default 'google_ads', p_lookback_days integer default 14, p_average_days integer default 7)
returns jsonb
language sql
stable
as $$
  with campaigns as (
    select c.segment_id,
           jsonb_agg(jsonb_build_object('customer_id', c.customer_id, 'campaign_id', c.campaign_id)
                     order by c.customer_id, c.campaign_id) as campaigns
      from public.lead_segment_campaigns c
     where c.is_active and c.channel = p_channel
     group by c.segment_id
  ), history as (
    select st.segment_id,
           sum(st.leads_generated) filter (where st.date > p_date - p_average_days)::numeric / p_average_days as average_leads,
           sum(st.leads_generated) as lookback_leads,
           (sum(st.google_ads_spend) * 1000000)::bigint as lookback_spend_micros
      from public.lead_generation_stats st
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
      'capacity_total_leads', p.capacity_total_leads,
      'average_leads', round(coalesce(h.average_leads, 0), 2),
      'lookback_leads', coalesce(h.lookback_leads, 0),
      'lookback_spend_micros', coalesce(h.lookback_spend_micros, 0),
      'campaigns', c.campaigns,
      'decision', (
        select jsonb_build_object('status', l.status, 'new_value', l.new_value, 'old_value', l.old_value,
                                  'action_type', l.action_type, 'explanation', l.explanation)
          from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.date = p_date and l.status <> 'dry_run'),
      'last_set_budget', (
        select l.new_value from public.channel_orchestration_log l
         where l.segment_id = s.id and l.channel = p_channel and l.status in ('applied', 'clamped') and l.date < p_date
         order by l.date desc limit 1)
    ) order by s.code), '[]'::jsonb)
    from public.lead_segments s
    join public.lead_segment_plans p on p.segment_id = s.id and p.date = p_date
    join campaigns c on c.segment_id = s.id
    left join history h on h.segment_id = s.id
   where s.is_active;
$$;

-- Records decisions and, for settled ones, the budget on the plan: the new budget only when the
-- change landed, the old one otherwise; dry runs touch no plan. A settled decision (anything but
-- applying or failed) is never overwritten: that is what makes a repeated run change nothing.
create function public.lfi_record_decisions(p_run_id uuid, p_date date, p_decisions jsonb)
returns jsonb
language plpgsql
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
       set actual_daily_budget_google_ads = case when w.status in ('applied', 'clamped') then w.new_value else w.old_value end,
           updated_at = now()
      from written w
     where p.id = w.plan_id and w.status in ('applied', 'clamped', 'skipped', 'failed')
    returning 1
  )
  select count(*) into v_recorded from written;
  return jsonb_build_object('decisions_recorded', v_recorded);
end;
$$;

revoke execute on function public.lfi_start_run(date, text, boolean, text) from public, anon, authenticated;
revoke execute on function public.lfi_finish_run(uuid, text, jsonb, text) from public, anon, authenticated;
revoke execute on function public.lfi_log(text, text, text, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_plan_inputs(date) from public, anon, authenticated;
revoke execute on function public.lfi_save_plans(date, jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_orchestration_inputs(date, text, integer, integer) from public, anon, authenticated;
revoke execute on function public.lfi_record_decisions(uuid, date, jsonb) from public, anon, authenticated;

-- The run-time settings admins change (kill switch, guardrail overrides) as one document.
create function public.lfi_settings_get()
returns jsonb
language sql
stable
as $$ select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from public.lfi_settings; $$;
revoke execute on function public.lfi_settings_get() from public, anon, authenticated;

-- The campaigns the ads report is fetched for: every active mapping of active segments.
create function public.lfi_mapped_campaigns(p_channel text default 'google_ads')
returns jsonb
language sql
stable
as $$
  select coalesce(jsonb_agg(jsonb_build_object('customerId', c.customer_id, 'campaignId', c.campaign_id)
                            order by c.customer_id, c.campaign_id), '[]'::jsonb)
    from public.lead_segment_campaigns c
    join public.lead_segments s on s.id = c.segment_id
   where c.is_active and c.channel = p_channel and s.is_active;
$$;
revoke execute on function public.lfi_mapped_campaigns(text) from public, anon, authenticated;

-- What `lfi run` prints: per active segment, its plan for the date and the decision taken (the
-- real one, else the latest dry run).
create function public.lfi_run_report(p_date date, p_channel text default 'google_ads')
returns jsonb
language sql
stable
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
                                'new_value', l.new_value, 'explanation', l.explanation, 'error_message', l.error_message) as decision
        from public.channel_orchestration_log l
       where l.segment_id = s.id and l.channel = p_channel and l.date = p_date
       order by (l.status = 'dry_run'), l.created_at desc
       limit 1
    ) d on true
   where s.is_active;
$$;
revoke execute on function public.lfi_run_report(date, text) from public, anon, authenticated;
