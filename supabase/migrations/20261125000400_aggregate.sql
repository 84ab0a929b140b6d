-- The nightly Aggregate step's database side: store the ads channel's daily
-- report, then recompute lead_generation_stats for every active segment and every business day
-- of a window in ONE set-based upsert. Rerunning a window overwrites it with the same numbers, so
-- late statuses and restated ad cost are picked up by the next run.

create function public.lfi_aggregate_window(
  p_from date,
  p_to date,
  p_time_zone text default 'Europe/Amsterdam',
  p_ad_metrics jsonb default '[]'
)
returns jsonb
language plpgsql
set search_path = ''
-- The planner cannot estimate the few thousand segment-day groups (it guesses millions), which
-- would make the server spend ~2 s JIT-compiling a statement that runs in about one.
set jit = off
as $$
declare
  v_max_days constant integer := 92;
  v_window_start timestamptz;
  v_window_end timestamptz;
  v_day_starts timestamptz[];
  v_ad_rows integer;
  v_segments integer;
  v_rows_upserted integer;
  v_leads_counted bigint;
  v_unsegmented_leads bigint;
begin
  if p_from is null or p_to is null then
    raise exception 'lfi_aggregate_window needs both p_from and p_to' using errcode = 'invalid_parameter_value';
  end if;
  if p_from > p_to then
    raise exception 'lfi_aggregate_window: p_from (%) is after p_to (%)', p_from, p_to
      using errcode = 'invalid_parameter_value';
  end if;
  if p_to - p_from + 1 > v_max_days then
    raise exception 'lfi_aggregate_window: the window % to % has % days; at most % are allowed',
      p_from, p_to, p_to - p_from + 1, v_max_days
      using errcode = 'invalid_parameter_value', hint = 'Aggregate a long period in several windows.';
  end if;
  begin
    -- The window's edges: local midnights as instants (DST days have 23 or 25 hours).
    v_window_start := p_from::timestamp at time zone p_time_zone;
    v_window_end := (p_to + 1)::timestamp at time zone p_time_zone;
    v_day_starts := array(
      select d at time zone p_time_zone from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') as d
       order by d);
  exception when invalid_parameter_value then
    raise exception 'lfi_aggregate_window: unknown time zone "%"', p_time_zone
      using errcode = 'invalid_parameter_value', hint = 'Use an IANA name such as Europe/Amsterdam.';
  end;
  if p_ad_metrics is null or jsonb_typeof(p_ad_metrics) <> 'array' then
    raise exception 'lfi_aggregate_window: p_ad_metrics must be a JSON array of campaign daily metrics'
      using errcode = 'invalid_parameter_value';
  end if;

  -- The report restates cost for recent days: the latest fetch overwrites. Within one payload the
  -- last row for a campaign and day wins (an upsert may not touch the same row twice).
  insert into public.ads_campaign_daily_metrics as m
    (channel, customer_id, campaign_id, date, cost_micros, clicks, conversions, fetched_at)
  select distinct on (r.channel, r.customer_id, r.campaign_id, r.date)
         r.channel, r.customer_id, r.campaign_id, r.date, r.cost_micros, r.clicks, r.conversions, now()
    from (
      select coalesce(e.value ->> 'channel', 'google_ads') as channel,
             e.value ->> 'customerId' as customer_id,
             e.value ->> 'campaignId' as campaign_id,
             (e.value ->> 'date')::date as date,
             (e.value ->> 'costMicros')::bigint as cost_micros,
             (e.value ->> 'clicks')::integer as clicks,
             coalesce((e.value ->> 'conversions')::numeric, 0) as conversions,
             e.ordinality
        from jsonb_array_elements(p_ad_metrics) with ordinality as e(value, ordinality)
    ) r
   order by r.channel, r.customer_id, r.campaign_id, r.date, r.ordinality desc
  on conflict (channel, customer_id, campaign_id, date) do update
    set cost_micros = excluded.cost_micros, clicks = excluded.clicks,
        conversions = excluded.conversions, fetched_at = excluded.fetched_at;
  get diagnostics v_ad_rows = row_count;

  select count(*) into v_segments from public.lead_segments where is_active;

  with days as (
    select d::date as date from generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') as d
  ),
  active_segments as (
    select s.id, s.branch, s.region from public.lead_segments s where s.is_active
  ),
  -- A plain range on created_at (no expression on the column), so leads(created_at) or
  -- leads(segment_id, created_at) serves it. The business day is the lead's bucket among the
  -- window's local midnights: the same day as (created_at at time zone p_time_zone)::date, but a
  -- binary search instead of a time zone conversion per lead (2.5× faster on 1.4M leads).
  lead_counts as (
    select l.segment_id,
           p_from + width_bucket(l.created_at, v_day_starts) - 1 as date,
           count(*) as generated,
           count(*) filter (where l.status = 'accepted') as accepted,
           count(*) filter (where l.status = 'rejected') as rejected,
           count(*) filter (where l.status in ('new', 'pending')) as pending,
           coalesce(sum(l.price_at_purchase) filter (where l.status = 'accepted'), 0) as revenue
      from public.leads l
     where l.created_at >= v_window_start and l.created_at < v_window_end
     group by 1, 2
  ),
  ad_totals as (
    select c.segment_id, m.date,
           sum(m.cost_micros) as cost_micros, sum(m.clicks) as clicks, sum(m.conversions) as conversions
      from public.lead_segment_campaigns c
      join public.ads_campaign_daily_metrics m
        on m.channel = c.channel and m.customer_id = c.customer_id and m.campaign_id = c.campaign_id
     where c.is_active and c.channel = 'google_ads' and m.date between p_from and p_to
     group by 1, 2
  ),
  -- Capacity: a partner serves a segment when it is active, serves the segment's branch (an
  -- industry whose lower(btrim(name)) is the branch) and its region (partner_regions.province is
  -- the region code). A partner counts fully in capacity_partners of every segment it serves, but
  -- its daily_lead_capacity is split evenly over those segments, so the partner's shares add up
  -- to exactly its capacity: whole cents each, and the leftover cents (capacity × 100 mod n) go
  -- one each to its first segments by id. Otherwise a partner in 12 regions would count 12 times.
  partner_segments as (
    select distinct p.id as partner_id, p.daily_lead_capacity, s.id as segment_id
      from public.partners p
      join public.partner_industries pi on pi.partner_id = p.id
      join public.industries i on i.id = pi.industry_id
      join public.partner_regions pr on pr.partner_id = p.id
      join active_segments s on s.branch = lower(btrim(i.name)) and s.region = pr.province
     where p.is_active
  ),
  partner_shares as (
    select ps.segment_id,
           (ps.daily_lead_capacity * 100) / count(*) over w
             + case when row_number() over (w order by ps.segment_id) <= (ps.daily_lead_capacity * 100) % count(*) over w
                    then 1 else 0 end as share_cents
      from partner_segments ps
    window w as (partition by ps.partner_id)
  ),
  capacity as (
    select segment_id, count(*) as partners, sum(share_cents) / 100.0 as total_leads
      from partner_shares
     group by segment_id
  ),
  upserted as (
    insert into public.lead_generation_stats as st (
      segment_id, date, leads_generated, leads_accepted, leads_rejected, leads_pending, revenue,
      avg_cpl, google_ads_spend, google_ads_clicks, google_ads_conversions,
      capacity_partners, capacity_total_leads, capacity_utilization)
    select s.id, d.date,
           coalesce(lc.generated, 0), coalesce(lc.accepted, 0), coalesce(lc.rejected, 0), coalesce(lc.pending, 0),
           coalesce(lc.revenue, 0),
           -- Micros are summed exactly and rounded to cents only here.
           case when coalesce(lc.generated, 0) > 0
                then round(coalesce(a.cost_micros, 0)::numeric / 1000000 / lc.generated, 2) end,
           round(coalesce(a.cost_micros, 0)::numeric / 1000000, 2),
           coalesce(a.clicks, 0),
           coalesce(a.conversions, 0),
           coalesce(c.partners, 0),
           coalesce(c.total_leads, 0),
           case when coalesce(c.total_leads, 0) > 0
                then round(least(1, coalesce(lc.accepted, 0) / c.total_leads), 4) end
      from active_segments s
     cross join days d
      left join lead_counts lc on lc.segment_id = s.id and lc.date = d.date
      left join ad_totals a on a.segment_id = s.id and a.date = d.date
      left join capacity c on c.segment_id = s.id
    on conflict (segment_id, date) do update
      set leads_generated = excluded.leads_generated,
          leads_accepted = excluded.leads_accepted,
          leads_rejected = excluded.leads_rejected,
          leads_pending = excluded.leads_pending,
          revenue = excluded.revenue,
          avg_cpl = excluded.avg_cpl,
          google_ads_spend = excluded.google_ads_spend,
          google_ads_clicks = excluded.google_ads_clicks,
          google_ads_conversions = excluded.google_ads_conversions,
          capacity_partners = excluded.capacity_partners,
          capacity_total_leads = excluded.capacity_total_leads,
          capacity_utilization = excluded.capacity_utilization,
          updated_at = now()
    returning st.leads_generated
  )
  select (select count(*) from upserted),
         (select coalesce(sum(leads_generated), 0) from upserted),
         (select coalesce(sum(generated), 0) from lead_counts where segment_id is null)
    into v_rows_upserted, v_leads_counted, v_unsegmented_leads;

  return jsonb_build_object(
    'from', p_from,
    'to', p_to,
    'segments', v_segments,
    'days', p_to - p_from + 1,
    'rows_upserted', v_rows_upserted,
    'leads_counted', v_leads_counted,
    'unsegmented_leads', v_unsegmented_leads,
    'ad_rows', v_ad_rows
  );
end;
$$;

comment on function public.lfi_aggregate_window(date, date, text, jsonb) is
  'Aggregate step: upserts the ads report (camelCase CampaignDailyMetrics), then recomputes lead_generation_stats for every active segment × business day in [p_from, p_to] in one statement. Returns counts as jsonb.';

revoke execute on function public.lfi_aggregate_window(date, date, text, jsonb) from public, anon, authenticated;
