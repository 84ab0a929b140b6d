-- Gap alerts: a segment whose |gap %| stays beyond a threshold for N consecutive days opens one
-- episode, alerted once, closed on the first day back within the threshold. The rule is pure
-- TypeScript (shared/domain/gap-alerts.ts); these functions gather the history and store what it
-- decides. The thresholds are the lfi_settings key gap_alerts ({"gapPercent": 30, "days": 3}).

create table public.lfi_gap_episodes (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  started_on date not null,
  raised_on date not null,
  last_seen_on date not null,
  closed_on date,
  threshold_percentage numeric(8, 2) not null check (threshold_percentage > 0),
  threshold_days integer not null check (threshold_days >= 1),
  gap_percentage numeric(8, 2) not null,
  peak_gap_percentage numeric(8, 2) not null,
  explanation text not null,
  closing_explanation text,
  alerted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (started_on <= raised_on and raised_on <= last_seen_on),
  check (closed_on is null or closed_on > last_seen_on)
);
comment on table public.lfi_gap_episodes is
  'A stretch of days on which a segment''s |gap %| stayed beyond the alert threshold: raised on the Nth day (one alert), closed on the first day back within it.';
comment on column public.lfi_gap_episodes.alerted_at is
  'When the alert went out (SNS in AWS, the log locally); null: not yet sent (a run for a past date records, only the latest day''s run sends).';
-- One open episode per segment at a time.
create unique index lfi_gap_episodes_one_open_idx on public.lfi_gap_episodes (segment_id) where closed_on is null;
create index lfi_gap_episodes_segment_idx on public.lfi_gap_episodes (segment_id, raised_on);
create index lfi_gap_episodes_raised_idx on public.lfi_gap_episodes (raised_on desc);
alter table public.lfi_gap_episodes enable row level security;

-- Per active segment with a plan on the date: its plans of the last p_days days, its open
-- episode, and the latest day any of its episodes was seen or closed.
create function public.lfi_gap_alert_inputs(p_date date, p_days integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'segment_id', s.id,
      'code', s.code,
      'plans', (select jsonb_agg(jsonb_build_object(
                         'date', p.date, 'gap_percentage', p.lead_gap_percentage,
                         'target_leads_per_day', p.target_leads_per_day, 'lead_gap', p.lead_gap) order by p.date)
                  from public.lead_segment_plans p
                 where p.segment_id = s.id and p.date > p_date - p_days and p.date <= p_date),
      'open', (select jsonb_build_object('id', e.id, 'started_on', e.started_on,
                                         'peak_gap_percentage', e.peak_gap_percentage)
                 from public.lfi_gap_episodes e where e.segment_id = s.id and e.closed_on is null),
      'latest_episode_day', (select max(greatest(e.last_seen_on, e.closed_on))
                               from public.lfi_gap_episodes e where e.segment_id = s.id))
    order by s.code), '[]'::jsonb)
    from public.lead_segments s
   where s.is_active
     and exists (select from public.lead_segment_plans p where p.segment_id = s.id and p.date = p_date);
$$;

-- Stores the run's changes (kind open | continue | close) in one call; returns how many of each.
create function public.lfi_record_gap_episodes(
  p_date date, p_threshold_percentage numeric, p_threshold_days integer, p_changes jsonb)
returns jsonb
language sql
set search_path = ''
as $$
  with incoming as (
    select * from jsonb_to_recordset(p_changes) as c(
      kind text, id uuid, segment_id uuid, started_on date, gap_percentage numeric,
      peak_gap_percentage numeric, explanation text)
  ), opened as (
    insert into public.lfi_gap_episodes (
      segment_id, started_on, raised_on, last_seen_on, threshold_percentage, threshold_days,
      gap_percentage, peak_gap_percentage, explanation)
    select segment_id, started_on, p_date, p_date, p_threshold_percentage, p_threshold_days,
           gap_percentage, peak_gap_percentage, explanation
      from incoming where kind = 'open'
    on conflict (segment_id) where closed_on is null do nothing
    returning 1
  ), continued as (
    update public.lfi_gap_episodes e
       set last_seen_on = greatest(e.last_seen_on, p_date), gap_percentage = i.gap_percentage,
           peak_gap_percentage = i.peak_gap_percentage, updated_at = pg_catalog.now()
      from incoming i
     where i.kind = 'continue' and e.id = i.id and e.closed_on is null
    returning 1
  ), closed as (
    update public.lfi_gap_episodes e
       set closed_on = p_date, gap_percentage = i.gap_percentage, closing_explanation = i.explanation,
           updated_at = pg_catalog.now()
      from incoming i
     where i.kind = 'close' and e.id = i.id and e.closed_on is null and p_date > e.last_seen_on
    returning 1
  )
  select jsonb_build_object(
    'opened', (select count(*) from opened),
    'continued', (select count(*) from continued),
    'closed', (select count(*) from closed));
$$;

-- Open episodes whose alert has not gone out yet (oldest first), and marking them sent.
create function public.lfi_gap_alerts_pending()
returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
      'id', e.id, 'segment_id', e.segment_id, 'code', s.code, 'name', s.name, 'raised_on', e.raised_on,
      'explanation', e.explanation) order by e.raised_on, s.code), '[]'::jsonb)
    from public.lfi_gap_episodes e
    join public.lead_segments s on s.id = e.segment_id
   where e.closed_on is null and e.alerted_at is null;
$$;

-- p_ids: a jsonb array of episode ids (the port sends arrays as JSON).
create function public.lfi_gap_alerts_sent(p_ids jsonb)
returns void
language sql
set search_path = ''
as $$
  update public.lfi_gap_episodes set alerted_at = pg_catalog.now(), updated_at = pg_catalog.now()
   where id in (select value::uuid from jsonb_array_elements_text(p_ids)) and alerted_at is null;
$$;

-- GET /api/alerts/gap-episodes: episodes newest first (open ones first), paged; p_status open |
-- closed | all.
create function public.lfi_api_gap_episodes(p_status text, p_limit integer, p_offset integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  with chosen as (
    select e.*, s.code, s.name
      from public.lfi_gap_episodes e
      join public.lead_segments s on s.id = e.segment_id
     where p_status = 'all' or (p_status = 'open') = (e.closed_on is null)
  )
  select jsonb_build_object(
    'total', (select count(*) from chosen),
    'items', coalesce((
      select jsonb_agg(jsonb_build_object(
          'id', c.id, 'segment_id', c.segment_id, 'segment_code', c.code, 'segment_name', c.name,
          'status', case when c.closed_on is null then 'open' else 'closed' end,
          'started_on', c.started_on, 'raised_on', c.raised_on, 'last_seen_on', c.last_seen_on,
          'closed_on', c.closed_on, 'threshold_percentage', c.threshold_percentage,
          'threshold_days', c.threshold_days, 'gap_percentage', c.gap_percentage,
          'peak_gap_percentage', c.peak_gap_percentage, 'explanation', c.explanation,
          'closing_explanation', c.closing_explanation, 'alerted_at', public.lfi_api_ts(c.alerted_at))
        order by c.closed_on is not null, c.raised_on desc, c.code)
        from (select * from chosen
               order by closed_on is not null, raised_on desc, code
               limit p_limit offset p_offset) c), '[]'::jsonb));
$$;

call lfi_private.lfi_revoke_api_access();
