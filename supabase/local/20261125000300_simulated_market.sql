-- LOCAL ONLY (supabase/local/: never sent to production by `supabase db push`; `lfi migrate`
-- applies it to the embedded database and, with --local, to a DATABASE_URL database). It inserts
-- leads and decides leads' statuses, which only a simulated market may do.
--
-- The simulated ads market: the embedded default ads channel. Its random draws are made in
-- TypeScript (shared/ads/simulated-market.ts, seeded per campaign and date); these tables keep its
-- state and these functions store a simulated day in one call: the campaigns' results, the leads
-- they produced, and the partners' verdicts on earlier leads. Only the service role uses them.

create table public.lfi_sim_campaigns (
  customer_id text not null check (customer_id ~ '^[0-9]{10}$'),
  campaign_id text not null check (campaign_id ~ '^[0-9]+$'),
  budget_id text not null check (budget_id ~ '^[0-9]+$'),
  budget_micros bigint not null default 0 check (budget_micros >= 0 and budget_micros % 10000 = 0),
  cpc_micros bigint not null check (cpc_micros > 0),
  conversion_rate numeric(6, 5) not null check (conversion_rate > 0 and conversion_rate < 1),
  market_clicks integer not null check (market_clicks > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (customer_id, campaign_id),
  unique (customer_id, budget_id)
);
comment on table public.lfi_sim_campaigns is 'Simulated market: each campaign''s daily budget and its hidden economics (cost per click, conversion rate, search volume).';

create table public.lfi_sim_campaign_days (
  customer_id text not null,
  campaign_id text not null,
  date date not null,
  budget_micros bigint not null check (budget_micros >= 0),
  cost_micros bigint not null check (cost_micros >= 0),
  clicks integer not null check (clicks >= 0),
  conversions integer not null check (conversions >= 0),
  primary key (customer_id, campaign_id, date),
  foreign key (customer_id, campaign_id) references public.lfi_sim_campaigns (customer_id, campaign_id) on delete cascade
);
comment on table public.lfi_sim_campaign_days is 'Simulated market: what each campaign spent, clicked and converted per business day.';
create index lfi_sim_campaign_days_date_idx on public.lfi_sim_campaign_days (date);

create table public.lfi_sim_state (
  id boolean primary key default true check (id),
  last_date date,
  updated_at timestamptz not null default now()
);
comment on table public.lfi_sim_state is 'Simulated market: the last business day simulated (one row).';
insert into public.lfi_sim_state default values;

alter table public.lfi_sim_campaigns enable row level security;
alter table public.lfi_sim_campaign_days enable row level security;
alter table public.lfi_sim_state enable row level security;

-- A uniform number in [0, 1) from a key: the SQL side's draws are as deterministic as TypeScript's.
create function public.lfi_sim_unit(p_key text)
returns double precision
language sql
immutable
set search_path = ''
as $$
  select ('x' || substr(md5(p_key), 1, 8))::bit(32)::bigint / 4294967296.0::double precision;
$$;

-- Everything the market needs in one document: the last simulated day, every campaign mapped in
-- lead_segment_campaigns with its segment and (once registered) its budget and economics, and
-- every segment (organic leads come to all of them).
create function public.lfi_sim_state()
returns jsonb
language sql
stable
set search_path = ''
as $$
  with segments as (
    select s.id, s.branch, s.region, r.name as region_name,
           (select i.id from public.industries i where lower(i.name) = s.branch order by i.created_at, i.id limit 1) as industry_id
      from public.lead_segments s
      join public.lfi_regions r on r.code = s.region
  )
  select jsonb_build_object(
    'lastDate', (select to_char(last_date, 'YYYY-MM-DD') from public.lfi_sim_state),
    'campaigns', coalesce((
      select jsonb_agg(jsonb_build_object(
               'customerId', c.customer_id, 'campaignId', c.campaign_id, 'segmentId', c.segment_id,
               'active', c.is_active, 'branch', s.branch, 'region', s.region,
               'registered', sc.campaign_id is not null, 'budgetId', sc.budget_id,
               'budgetMicros', sc.budget_micros, 'cpcMicros', sc.cpc_micros,
               'conversionRate', sc.conversion_rate, 'marketClicks', sc.market_clicks)
             order by c.customer_id, c.campaign_id)
        from public.lead_segment_campaigns c
        join segments s on s.id = c.segment_id
        left join public.lfi_sim_campaigns sc on sc.customer_id = c.customer_id and sc.campaign_id = c.campaign_id
       where c.channel = 'google_ads'), '[]'::jsonb),
    'segments', coalesce((
      select jsonb_agg(jsonb_build_object(
               'segmentId', s.id, 'branch', s.branch, 'region', s.region, 'regionName', s.region_name,
               'industryId', s.industry_id)
             order by s.branch, s.region)
        from segments s), '[]'::jsonb));
$$;

-- Registers campaigns the market has not seen yet (budget 0); one already registered keeps its state.
create function public.lfi_sim_register(p_campaigns jsonb)
returns integer
language sql
set search_path = ''
as $$
  with added as (
    insert into public.lfi_sim_campaigns (customer_id, campaign_id, budget_id, cpc_micros, conversion_rate, market_clicks)
    select c->>'customerId', c->>'campaignId', c->>'budgetId', (c->>'cpcMicros')::bigint,
           (c->>'conversionRate')::numeric, (c->>'marketClicks')::integer
      from jsonb_array_elements(p_campaigns) c
    on conflict do nothing
    returning 1
  )
  select count(*)::integer from added;
$$;

-- Validates each change on its own (partial failure) and applies the valid ones unless validate-only.
-- Returns one {"ok", "error"} per change, in order.
create function public.lfi_sim_apply_budgets(p_customer_id text, p_changes jsonb, p_validate_only boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  change jsonb;
  amount jsonb;
  campaign public.lfi_sim_campaigns;
  problem text;
  results jsonb := '[]'::jsonb;
begin
  for change in select value from jsonb_array_elements(p_changes) loop
    problem := null;
    amount := change->'newAmountMicros';
    select * into campaign from public.lfi_sim_campaigns
     where customer_id = p_customer_id and campaign_id = change->>'campaignId';
    if change->>'customerId' is distinct from p_customer_id then
      problem := format('Change for account %s sent in the batch of account %s.', change->>'customerId', p_customer_id);
    elsif campaign.campaign_id is null then
      problem := format('Campaign %s does not exist in account %s.', change->>'campaignId', p_customer_id);
    elsif change->>'budgetId' is distinct from campaign.budget_id then
      problem := format('Budget %s is not the budget of campaign %s (that is %s).', change->>'budgetId', campaign.campaign_id, campaign.budget_id);
    elsif jsonb_typeof(amount) is distinct from 'number' or amount::numeric < 0
          or amount::numeric <> trunc(amount::numeric) or amount::numeric % 10000 <> 0 then
      problem := format('Budget amount %s micros is not a non-negative whole number of cents (a multiple of 10000).', coalesce(amount::text, 'null'));
    elsif not p_validate_only then
      update public.lfi_sim_campaigns
         set budget_micros = amount::numeric::bigint, updated_at = now()
       where customer_id = campaign.customer_id and campaign_id = campaign.campaign_id;
    end if;
    results := results || jsonb_build_array(jsonb_build_object('ok', problem is null, 'error', problem));
  end loop;
  return results;
end;
$$;

-- Stores one simulated business day, which must be the day after the last one (or the first):
-- the campaigns' results, the leads (created_at from the wall-clock second in p_time_zone), and
-- the partners' verdicts on leads 1 to 3 days old. A day simulated already is left alone, so two
-- markets advancing at once cannot double it.
create function public.lfi_sim_record_day(
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

  insert into public.lfi_sim_campaign_days (customer_id, campaign_id, date, budget_micros, cost_micros, clicks, conversions)
  select d->>'customerId', d->>'campaignId', p_date, (d->>'budgetMicros')::bigint, (d->>'costMicros')::bigint,
         (d->>'clicks')::integer, (d->>'conversions')::integer
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

-- The stored report for the given campaigns over [p_from, p_to], one document (no row cap).
create function public.lfi_sim_metrics(p_campaigns jsonb, p_from date, p_to date)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'customerId', d.customer_id, 'campaignId', d.campaign_id, 'date', to_char(d.date, 'YYYY-MM-DD'),
           'costMicros', d.cost_micros, 'clicks', d.clicks, 'conversions', d.conversions)
         order by d.date, d.customer_id, d.campaign_id), '[]'::jsonb)
    from public.lfi_sim_campaign_days d
   where d.date between p_from and p_to
     and exists (
       select from jsonb_array_elements(p_campaigns) c
        where c->>'customerId' = d.customer_id and c->>'campaignId' = d.campaign_id);
$$;

revoke execute on function public.lfi_sim_unit(text) from public, anon, authenticated;
revoke execute on function public.lfi_sim_state() from public, anon, authenticated;
revoke execute on function public.lfi_sim_register(jsonb) from public, anon, authenticated;
revoke execute on function public.lfi_sim_apply_budgets(text, jsonb, boolean) from public, anon, authenticated;
revoke execute on function public.lfi_sim_record_day(date, bigint, jsonb, jsonb, jsonb, text) from public, anon, authenticated;
revoke execute on function public.lfi_sim_metrics(jsonb, date, date) from public, anon, authenticated;
