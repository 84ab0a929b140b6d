-- LOCAL ONLY (supabase/local/: never sent to production by `supabase db push`; `lfi migrate`
-- applies it to the embedded database and, with --local, to a DATABASE_URL database).
--
-- The simulated market reports what Google's report does besides cost: the budget in force that
-- day (already kept in lfi_sim_campaign_days) and the search budget-lost impression share, which
-- the market's TypeScript side works out with each day (shared/ads/simulated-economics.ts).

alter table public.lfi_sim_campaign_days
  add column search_budget_lost_impression_share numeric(5, 4)
    check (search_budget_lost_impression_share between 0 and 1);
comment on column public.lfi_sim_campaign_days.search_budget_lost_impression_share is
  'Share (0..1) of the day''s searches the campaign lost to its budget; 0 when demand ran out first; null for days simulated before it was kept.';

-- Stores one simulated business day, which must be the day after the last one (or the first):
-- the campaigns' results, the leads (created_at from the wall-clock second in p_time_zone), and
-- the partners' verdicts on leads 1 to 3 days old. A day simulated already is left alone, so two
-- markets advancing at once cannot double it.
create or replace function public.lfi_sim_record_day(
  p_date date,
  p_seed bigint,
  p_campaign_days jsonb,
  p_leads jsonb,
  p_lead_prices jsonb,
  p_time_zone text default 'Europe/Amsterdam'
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  previous date;
  created integer;
  decided integer;
begin
  select last_date into previous from public.lfi_sim_state for update;
  if previous is not null and p_date <= previous then
    return jsonb_build_object('recorded', false, 'leads', 0, 'decided', 0);
  end if;
  if previous is not null and p_date <> previous + 1 then
    raise exception 'Simulated day % skips days after %: days are simulated in order.', p_date, previous;
  end if;

  insert into public.lfi_sim_campaign_days
    (customer_id, campaign_id, date, budget_micros, cost_micros, clicks, conversions, search_budget_lost_impression_share)
  select d->>'customerId', d->>'campaignId', p_date, (d->>'budgetMicros')::bigint, (d->>'costMicros')::bigint,
         (d->>'clicks')::integer, (d->>'conversions')::integer,
         round((d->>'searchBudgetLostImpressionShare')::numeric, 4)
    from jsonb_array_elements(p_campaign_days) d;

  insert into public.leads (id, industry_id, province, postcode, status, created_at, updated_at)
  select (l->>'id')::uuid, (l->>'industryId')::uuid, l->>'province', l->>'postcode', 'new', t.at, t.at
    from jsonb_array_elements(p_leads) l
    cross join lateral (
      select (p_date::timestamp + make_interval(secs => (l->>'second')::integer)) at time zone p_time_zone as at
    ) t;
  get diagnostics created = row_count;

  -- Partners decide within 1 to 3 days. They accept about 90% while a segment's leads of a day fit
  -- its capacity, and take no more than that capacity when leads exceed it.
  with recent as (
    select l.id, l.industry_id, l.province, (l.created_at at time zone p_time_zone)::date as day
      from public.leads l
     where l.created_at >= ((p_date - 3)::timestamp at time zone p_time_zone)
       and l.created_at < (p_date::timestamp at time zone p_time_zone)
  ),
  placed as (
    select r.*, lower(i.name) as branch, g.code as region
      from recent r
      left join public.industries i on i.id = r.industry_id
      left join public.lfi_regions g on g.code = lower(r.province) or lower(g.name) = lower(r.province)
  ),
  daily as (
    select branch, region, day, count(*) as leads from placed group by branch, region, day
  ),
  capacity as (
    select branch, region, sum(daily_lead_capacity) as leads
      from (
        select distinct p.id, lower(i.name) as branch, g.code as region, p.daily_lead_capacity
          from public.partners p
          join public.partner_industries pi on pi.partner_id = p.id
          join public.industries i on i.id = pi.industry_id
          join public.partner_regions pr on pr.partner_id = p.id
          join public.lfi_regions g on g.code = lower(pr.province) or lower(g.name) = lower(pr.province)
         where p.is_active
      ) served
     group by branch, region
  ),
  verdicts as (
    select p.id, p.branch,
           public.lfi_sim_unit(p_seed || ':accept:' || p.id) < least(0.9, 0.9 * coalesce(c.leads, 0) / d.leads) as accepted,
           public.lfi_sim_unit(p_seed || ':price:' || p.id) as price_draw,
           public.lfi_sim_unit(p_seed || ':decided-at:' || p.id) as time_draw
      from placed p
      join daily d on d.day = p.day and d.branch is not distinct from p.branch and d.region is not distinct from p.region
      left join capacity c on c.branch = p.branch and c.region = p.region
     where p.day + 1 + floor(3 * public.lfi_sim_unit(p_seed || ':decide:' || p.id))::integer <= p_date
  )
  update public.leads l
     set status = case when v.accepted then 'accepted' else 'rejected' end,
         price_at_purchase = case when v.accepted then round(
           coalesce((p_lead_prices->>v.branch)::numeric, (p_lead_prices->>'*')::numeric, 25) / 100 * (0.9 + 0.2 * v.price_draw::numeric), 2) end,
         updated_at = (p_date::timestamp + make_interval(secs => 28800 + floor(v.time_draw * 36000)::integer)) at time zone p_time_zone
    from verdicts v
   where l.id = v.id and l.status = 'new';
  get diagnostics decided = row_count;

  update public.lfi_sim_state set last_date = p_date, updated_at = now();
  return jsonb_build_object('recorded', true, 'leads', created, 'decided', decided);
end;
$$;

-- The stored report for the given campaigns over [p_from, p_to], one document (no row cap), with
-- each day's budget and, for days simulated since this migration, the budget-lost share.
create or replace function public.lfi_sim_metrics(p_campaigns jsonb, p_from date, p_to date)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
           'customerId', d.customer_id, 'campaignId', d.campaign_id, 'date', to_char(d.date, 'YYYY-MM-DD'),
           'costMicros', d.cost_micros, 'clicks', d.clicks, 'conversions', d.conversions,
           'budgetMicros', d.budget_micros,
           'searchBudgetLostImpressionShare', d.search_budget_lost_impression_share))
         order by d.date, d.customer_id, d.campaign_id), '[]'::jsonb)
    from public.lfi_sim_campaign_days d
   where d.date between p_from and p_to
     and exists (
       select from jsonb_array_elements(p_campaigns) c
        where c->>'customerId' = d.customer_id and c->>'campaignId' = d.campaign_id);
$$;

revoke execute on function public.lfi_sim_record_day(date, bigint, jsonb, jsonb, jsonb, text) from public, anon, authenticated;
revoke execute on function public.lfi_sim_metrics(jsonb, date, date) from public, anon, authenticated;
