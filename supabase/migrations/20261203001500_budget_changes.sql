-- One row per campaign budget a decision changes, with its own ads account: a segment's campaigns
-- may sit in several accounts, so the decision's own customer_id / campaign_id say only which one
-- when the segment has a single campaign.

create table public.lfi_budget_changes (
  log_id uuid not null references public.channel_orchestration_log (id) on delete cascade,
  customer_id text not null check (customer_id ~ '^[0-9]{10}$'),
  campaign_id text not null check (campaign_id ~ '^[0-9]+$'),
  budget_id text not null,
  old_value numeric(12, 2) not null check (old_value >= 0),
  new_value numeric(12, 2) not null check (new_value >= 0),
  error_message text,
  primary key (log_id, customer_id, budget_id)
);
comment on table public.lfi_budget_changes is
  'Each campaign budget a logged decision sent (or would send: dry run, not sent), with its account and its error once sent; a decision''s amounts are their sums.';
alter table public.lfi_budget_changes enable row level security;

comment on column public.channel_orchestration_log.customer_id is
  'The segment''s ads account when it has one campaign, else null: each budget''s account is in lfi_budget_changes.';
comment on column public.channel_orchestration_log.campaign_id is
  'The segment''s campaign when it has only one, else null: the campaigns are in lfi_budget_changes.';

-- As in 20261202001200, and each decision's campaign budgets (`changes`) kept beside it: a
-- decision that replaces a claimed or failed one brings its own (the settled outcome per budget),
-- one that brings none (an earlier claim found landed) keeps the claim's. One row per segment and
-- status per call.
create or replace function public.lfi_record_decisions(p_run_id uuid, p_date date, p_decisions jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_written jsonb;
begin
  with incoming as (
    select * from pg_catalog.jsonb_to_recordset(p_decisions) as d(
      segment_id uuid, plan_id uuid, channel text, customer_id text, campaign_id text, action_type text,
      old_value numeric, new_value numeric, status text, settles_as text, explanation text, reason_code text,
      reason_params jsonb, error_message text, changes jsonb)
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
           error_message = excluded.error_message, run_id = excluded.run_id, created_at = pg_catalog.now()
     where l.status in ('applying', 'failed')
    returning l.id, l.segment_id, l.plan_id, l.status, l.old_value, l.new_value
  ), budgets as (
    update public.lead_segment_plans p
       set actual_daily_budget_google_ads = public.lfi_budget_after(w.status, w.old_value, w.new_value),
           updated_at = pg_catalog.now()
      from written w
     where p.id = w.plan_id and w.status in ('applied', 'clamped', 'adopted', 'skipped', 'failed')
    returning 1
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', w.id, 'changes', i.changes)), '[]'::jsonb)
    into v_written
    from written w
    join incoming i on i.segment_id = w.segment_id and i.status = w.status;

  delete from public.lfi_budget_changes c
   using pg_catalog.jsonb_to_recordset(v_written) as w(id uuid, changes jsonb)
   where c.log_id = w.id and pg_catalog.jsonb_array_length(coalesce(w.changes, '[]'::jsonb)) > 0;
  insert into public.lfi_budget_changes (log_id, customer_id, campaign_id, budget_id, old_value, new_value, error_message)
  select w.id, x.customer_id, x.campaign_id, x.budget_id, x.old_value, x.new_value, x.error_message
    from pg_catalog.jsonb_to_recordset(v_written) as w(id uuid, changes jsonb)
   cross join lateral pg_catalog.jsonb_to_recordset(coalesce(w.changes, '[]'::jsonb)) as x(
     customer_id text, campaign_id text, budget_id text, old_value numeric, new_value numeric, error_message text);

  return pg_catalog.jsonb_build_object('decisions_recorded', pg_catalog.jsonb_array_length(v_written));
end;
$$;

-- The API's decision, as in 20261202001200, with its campaign budgets.
create or replace function public.lfi_api_decision(l public.channel_orchestration_log)
returns jsonb
language sql stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'id', l.id, 'segment_id', l.segment_id, 'run_id', l.run_id, 'date', l.date, 'channel', l.channel,
    'customer_id', l.customer_id, 'campaign_id', l.campaign_id, 'action_type', l.action_type,
    'old_value', public.lfi_api_money(l.old_value), 'new_value', public.lfi_api_money(l.new_value),
    'status', l.status, 'explanation', l.explanation,
    'reason_code', l.reason_code, 'reason_params', l.reason_params,
    'error_message', l.error_message, 'created_at', public.lfi_api_ts(l.created_at),
    'changes', coalesce((
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
               'customer_id', c.customer_id, 'campaign_id', c.campaign_id,
               'old_value', public.lfi_api_money(c.old_value), 'new_value', public.lfi_api_money(c.new_value),
               'error_message', c.error_message) order by c.customer_id, c.campaign_id)
        from public.lfi_budget_changes c
       where c.log_id = l.id), '[]'::jsonb))
$$;

call lfi_private.lfi_revoke_api_access();
