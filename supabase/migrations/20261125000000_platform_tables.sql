-- The platform's own tables that Lead Flow Intelligence reads. In production they already exist
-- (the marketplace owns them); each is created here only where absent, so LFI runs standalone.
-- README.md lists exactly which columns LFI relies on. Row level security is enabled only on the
-- tables created here: an existing platform table keeps the policies its owner gave it. Their
-- foreign keys get indexes, as Supabase's linter asks; an existing table keeps the ones it has.

-- Supabase has these roles; plain PostgreSQL and PGlite get them so grants and revokes mean the same.
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
end
$$;

do $$
begin
  if to_regclass('public.industries') is null then
    create table public.industries (
      id uuid primary key default gen_random_uuid(),
      name text not null unique,
      created_at timestamptz not null default now()
    );
    comment on table public.industries is 'Platform: the branches leads are sold in (schilder, dakdekker, ...).';
    alter table public.industries enable row level security;
  end if;

  if to_regclass('public.partners') is null then
    create table public.partners (
      id uuid primary key default gen_random_uuid(),
      company_name text not null,
      is_active boolean not null default true,
      daily_lead_capacity integer not null default 0 check (daily_lead_capacity >= 0),
      created_at timestamptz not null default now()
    );
    comment on table public.partners is 'Platform: companies that buy leads, with how many leads a day each can take.';
    alter table public.partners enable row level security;
  end if;

  if to_regclass('public.partner_industries') is null then
    create table public.partner_industries (
      partner_id uuid not null references public.partners (id) on delete cascade,
      industry_id uuid not null references public.industries (id) on delete cascade,
      primary key (partner_id, industry_id)
    );
    comment on table public.partner_industries is 'Platform: the branches each partner serves.';
    create index partner_industries_industry_idx on public.partner_industries (industry_id);
    alter table public.partner_industries enable row level security;
  end if;

  if to_regclass('public.partner_regions') is null then
    create table public.partner_regions (
      partner_id uuid not null references public.partners (id) on delete cascade,
      province text not null,
      primary key (partner_id, province)
    );
    comment on table public.partner_regions is 'Platform: the provinces each partner serves (region codes, e.g. noord-holland).';
    alter table public.partner_regions enable row level security;
  end if;

  if to_regclass('public.leads') is null then
    create table public.leads (
      id uuid primary key default gen_random_uuid(),
      industry_id uuid references public.industries (id),
      province text,
      postcode text,
      status text not null default 'new',
      price_at_purchase numeric(10, 2) check (price_at_purchase >= 0),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    comment on table public.leads is 'Platform: consumer quote requests. LFI adds segment_id.';
    create index leads_industry_idx on public.leads (industry_id);
    alter table public.leads enable row level security;
  end if;
end
$$;
