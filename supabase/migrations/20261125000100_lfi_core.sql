-- Lead Flow Intelligence: segments, daily stats, plans, the orchestration log and what the
-- nightly pipeline needs around them. Money is numeric (euros, 2 decimals) or bigint micros,
-- never floating point. Every table has row level security enabled and no policies: only the
-- service role (the Lambdas) reads and writes; the API checks users itself.

create table public.lfi_regions (
  code text primary key check (code ~ '^[a-z]+(-[a-z]+)*$'),
  name text not null unique
);
comment on table public.lfi_regions is 'The twelve Dutch provinces; a segment''s region is one of these codes.';
insert into public.lfi_regions (code, name) values
  ('groningen', 'Groningen'), ('friesland', 'Friesland'), ('drenthe', 'Drenthe'),
  ('overijssel', 'Overijssel'), ('flevoland', 'Flevoland'), ('gelderland', 'Gelderland'),
  ('utrecht', 'Utrecht'), ('noord-holland', 'Noord-Holland'), ('zuid-holland', 'Zuid-Holland'),
  ('zeeland', 'Zeeland'), ('noord-brabant', 'Noord-Brabant'), ('limburg', 'Limburg');

create table public.lead_segments (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  branch text not null check (branch = lower(btrim(branch)) and branch <> ''),
  region text not null references public.lfi_regions (code),
  name text not null,
  is_active boolean not null default true,
  target_utilization numeric(4, 3) not null default 0.800 check (target_utilization > 0 and target_utilization <= 1),
  orchestration_paused boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (branch, region)
);
comment on table public.lead_segments is 'A branch (lower-case industry name) in a region: the unit LFI plans and steers.';

alter table public.leads add column if not exists segment_id uuid references public.lead_segments (id) on delete set null;
create index if not exists leads_created_at_idx on public.leads (created_at);
create index if not exists leads_segment_created_at_idx on public.leads (segment_id, created_at);

create table public.lead_segment_campaigns (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  channel text not null default 'google_ads' check (channel in ('google_ads')),
  customer_id text not null check (customer_id ~ '^[0-9]{10}$'),
  campaign_id text not null check (campaign_id ~ '^[0-9]+$'),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (channel, customer_id, campaign_id)
);
comment on table public.lead_segment_campaigns is 'Which ads campaign (in which account) brings a segment its leads.';
create index lead_segment_campaigns_segment_idx on public.lead_segment_campaigns (segment_id);

create table public.ads_campaign_daily_metrics (
  channel text not null default 'google_ads',
  customer_id text not null,
  campaign_id text not null,
  date date not null,
  cost_micros bigint not null check (cost_micros >= 0),
  clicks integer not null check (clicks >= 0),
  conversions numeric(12, 2) not null default 0 check (conversions >= 0),
  budget_micros bigint check (budget_micros >= 0),
  fetched_at timestamptz not null default now(),
  primary key (channel, customer_id, campaign_id, date)
);
comment on table public.ads_campaign_daily_metrics is 'The ads channel''s daily report per campaign, as last fetched (cost is restated for days).';

create table public.lead_generation_stats (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  date date not null,
  leads_generated integer not null default 0 check (leads_generated >= 0),
  leads_accepted integer not null default 0 check (leads_accepted >= 0),
  leads_rejected integer not null default 0 check (leads_rejected >= 0),
  leads_pending integer not null default 0 check (leads_pending >= 0),
  revenue numeric(12, 2) not null default 0 check (revenue >= 0),
  avg_cpl numeric(12, 2) check (avg_cpl >= 0),
  google_ads_spend numeric(12, 2) not null default 0 check (google_ads_spend >= 0),
  google_ads_clicks integer not null default 0 check (google_ads_clicks >= 0),
  google_ads_conversions numeric(12, 2) not null default 0 check (google_ads_conversions >= 0),
  capacity_partners integer not null default 0 check (capacity_partners >= 0),
  capacity_total_leads numeric(10, 2) not null default 0 check (capacity_total_leads >= 0),
  capacity_utilization numeric(5, 4) check (capacity_utilization between 0 and 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (segment_id, date),
  check (leads_accepted + leads_rejected + leads_pending <= leads_generated)
);
comment on table public.lead_generation_stats is 'Per segment and business day (Europe/Amsterdam): leads, acceptance, revenue, ad spend, capacity.';
create index lead_generation_stats_date_idx on public.lead_generation_stats (date);

create table public.lead_target_overrides (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  target_leads_per_day integer not null check (target_leads_per_day >= 0),
  valid_from date not null,
  valid_to date,
  reason text not null check (btrim(reason) <> ''),
  created_by text not null,
  created_at timestamptz not null default now(),
  cleared_at timestamptz,
  cleared_by text,
  check (valid_to is null or valid_to >= valid_from)
);
comment on table public.lead_target_overrides is 'A manual target for a segment over a date range; the latest active one wins over capacity.';
create index lead_target_overrides_segment_idx on public.lead_target_overrides (segment_id, valid_from);

create table public.lead_segment_plans (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  date date not null,
  capacity_total_leads numeric(10, 2) not null default 0 check (capacity_total_leads >= 0),
  target_utilization numeric(4, 3) not null check (target_utilization > 0 and target_utilization <= 1),
  target_leads_per_day integer not null check (target_leads_per_day >= 0),
  target_source text not null default 'capacity' check (target_source in ('capacity', 'override')),
  override_id uuid references public.lead_target_overrides (id) on delete set null,
  actual_leads integer not null default 0 check (actual_leads >= 0),
  lead_gap integer not null,
  lead_gap_percentage numeric(8, 2) not null,
  actual_daily_budget_google_ads numeric(12, 2) check (actual_daily_budget_google_ads >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (segment_id, date)
);
comment on table public.lead_segment_plans is 'Per segment and date: the target, the gap to it, and the budget in force after orchestration.';
create index lead_segment_plans_date_idx on public.lead_segment_plans (date);

create table public.lfi_runs (
  id uuid primary key default gen_random_uuid(),
  run_date date not null,
  step text not null check (step in ('aggregate', 'plan', 'orchestrate', 'pipeline')),
  status text not null check (status in ('running', 'succeeded', 'failed')),
  dry_run boolean not null default false,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  counts jsonb not null default '{}'::jsonb,
  error_message text,
  execution_id text
);
comment on table public.lfi_runs is 'One row per step of a nightly run: when, how it ended, and what it counted.';
create index lfi_runs_step_started_idx on public.lfi_runs (step, started_at desc);

create table public.channel_orchestration_log (
  id uuid primary key default gen_random_uuid(),
  segment_id uuid not null references public.lead_segments (id) on delete cascade,
  plan_id uuid references public.lead_segment_plans (id) on delete set null,
  run_id uuid references public.lfi_runs (id) on delete set null,
  date date not null,
  channel text not null default 'google_ads',
  customer_id text,
  campaign_id text,
  action_type text not null check (action_type in ('budget_increase', 'budget_decrease', 'no_change')),
  old_value numeric(12, 2) check (old_value >= 0),
  new_value numeric(12, 2) check (new_value >= 0),
  status text not null check (status in ('applying', 'applied', 'clamped', 'skipped', 'failed', 'dry_run')),
  explanation text not null,
  error_message text,
  created_at timestamptz not null default now()
);
comment on table public.channel_orchestration_log is 'Every budget decision with a one-line explanation; at most one real decision per segment, channel and date. A change is recorded as applying before it is sent, so a retry can tell whether it landed.';
-- A retried or repeated run must never apply a second change: one real decision per segment, channel and date.
create unique index channel_orchestration_log_one_decision_idx
  on public.channel_orchestration_log (segment_id, channel, date) where status <> 'dry_run';
create index channel_orchestration_log_created_idx on public.channel_orchestration_log (created_at desc);

create table public.lfi_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text
);
comment on table public.lfi_settings is 'Run-time switches that admins change (the global kill switch, guardrail overrides).';
insert into public.lfi_settings (key, value) values ('kill_switch', '{"enabled": false}');

create table public.lfi_system_log (
  id bigint generated always as identity primary key,
  level text not null check (level in ('debug', 'info', 'warn', 'error')),
  source text not null,
  message text not null,
  context jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.lfi_system_log is 'What LFI did that an operator may need later: failures, alerts, admin actions.';
create index lfi_system_log_created_idx on public.lfi_system_log (created_at desc);

alter table public.lfi_regions enable row level security;
alter table public.lead_segments enable row level security;
alter table public.lead_segment_campaigns enable row level security;
alter table public.ads_campaign_daily_metrics enable row level security;
alter table public.lead_generation_stats enable row level security;
alter table public.lead_target_overrides enable row level security;
alter table public.lead_segment_plans enable row level security;
alter table public.lfi_runs enable row level security;
alter table public.channel_orchestration_log enable row level security;
alter table public.lfi_settings enable row level security;
alter table public.lfi_system_log enable row level security;
