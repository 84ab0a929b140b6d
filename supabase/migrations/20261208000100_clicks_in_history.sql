-- Clicks in the controller's history: each lookback day of lfi_orchestration_inputs carries the
-- clicks the ads channel reported (lead_generation_stats.google_ads_clicks), so the response
-- model can read a segment's level off its clicks, many more than its leads, and its conversion
-- rate off the leads (shared/domain/response-model.ts). As in 20261202001000 otherwise.

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
             'lost_share', st.google_ads_budget_lost_impression_share,
             'clicks', st.google_ads_clicks
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
