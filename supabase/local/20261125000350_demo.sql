-- LOCAL ONLY (supabase/local/: never sent to production by `supabase db push`; `lfi migrate`
-- applies it to the embedded database and, with --local, to a DATABASE_URL database).
--
-- Demo data (`lfi demo`): the set made by shared/demo/demo-data.ts is written in one call, and
-- only into a database without segments, partners or leads, so it can never mix with real data.

create table public.lfi_demo_loads (
  id boolean primary key default true check (id),
  seed bigint not null,
  days integer not null check (days > 0),
  from_date date not null,
  to_date date not null,
  loaded_at timestamptz not null default now()
);
comment on table public.lfi_demo_loads is 'The demo data set loaded into this database, if any (one row): its seed and the days of history.';
alter table public.lfi_demo_loads enable row level security;

-- Returns {"loaded": true} or {"loaded": false, "reason": "..."} and then changes nothing.
create function public.lfi_demo_load(p_data jsonb, p_seed bigint, p_days integer, p_from date, p_to date)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  previous public.lfi_demo_loads;
begin
  -- Two loads at once: the second waits here and then finds the first one's data.
  lock table public.lfi_demo_loads in exclusive mode;
  select * into previous from public.lfi_demo_loads;
  if previous.seed is not null then
    return jsonb_build_object('loaded', false, 'reason', format(
      'Demo data is already loaded (seed %s, %s days from %s to %s); nothing was changed.',
      previous.seed, previous.days, previous.from_date, previous.to_date));
  end if;
  if exists (select from public.lead_segments) or exists (select from public.partners) or exists (select from public.leads) then
    return jsonb_build_object('loaded', false, 'reason',
      'The database already holds segments, partners or leads; demo data is only loaded into an empty database. Nothing was changed.');
  end if;

  insert into public.industries (name)
  select n from jsonb_array_elements_text(p_data->'industries') n
   where not exists (select from public.industries i where lower(i.name) = lower(n));

  insert into public.lead_segments (id, code, branch, region, name, is_active, target_utilization)
  select (s->>'id')::uuid, s->>'code', s->>'branch', s->>'region', s->>'name', (s->>'isActive')::boolean,
         (s->>'targetUtilization')::numeric
    from jsonb_array_elements(p_data->'segments') s;

  insert into public.partners (id, company_name, is_active, daily_lead_capacity)
  select (p->>'id')::uuid, p->>'companyName', (p->>'isActive')::boolean, (p->>'dailyLeadCapacity')::integer
    from jsonb_array_elements(p_data->'partners') p;

  insert into public.partner_industries (partner_id, industry_id)
  select distinct (p->>'id')::uuid, i.id
    from jsonb_array_elements(p_data->'partners') p
    cross join jsonb_array_elements_text(p->'branches') b
    join public.industries i on lower(i.name) = b;

  insert into public.partner_regions (partner_id, province)
  select distinct (p->>'id')::uuid, r
    from jsonb_array_elements(p_data->'partners') p
    cross join jsonb_array_elements_text(p->'regions') r;

  insert into public.lead_segment_campaigns (segment_id, channel, customer_id, campaign_id)
  select (c->>'segmentId')::uuid, 'google_ads', c->>'customerId', c->>'campaignId'
    from jsonb_array_elements(p_data->'campaigns') c;

  -- With no segments there are no campaigns, so whatever a market ran before is stale: it starts
  -- again with the demo's history.
  delete from public.lfi_sim_campaigns;
  update public.lfi_sim_state set last_date = null, updated_at = now();

  insert into public.lfi_demo_loads (seed, days, from_date, to_date) values (p_seed, p_days, p_from, p_to);
  return jsonb_build_object('loaded', true);
end;
$$;

-- What the database holds, for the summary `lfi demo` prints.
create function public.lfi_demo_summary()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'segments', (select count(*) from public.lead_segments),
    'activeSegments', (select count(*) from public.lead_segments where is_active),
    'partners', (select count(*) from public.partners),
    'campaigns', (select count(*) from public.lead_segment_campaigns),
    'leads', (select count(*) from public.leads),
    'adSpendMicros', (select coalesce(sum(cost_micros), 0) from public.lfi_sim_campaign_days));
$$;

revoke execute on function public.lfi_demo_load(jsonb, bigint, integer, date, date) from public, anon, authenticated;
revoke execute on function public.lfi_demo_summary() from public, anon, authenticated;
