-- The morning check: did the night of p_date succeed? A night succeeded when an Orchestrate run
-- of the date (not a dry run) ended succeeded; partial and failed nights alert on their own.
-- Returns the latest run of each step for the date too, so the alert can say how far it got.
create function public.lfi_night_status(p_date date)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'succeeded', exists (select from public.lfi_runs r
                          where r.run_date = p_date and r.step = 'orchestrate' and not r.dry_run
                            and r.status = 'succeeded'),
    'steps', coalesce((
      select jsonb_agg(jsonb_build_object('step', l.step, 'status', l.status) order by l.started_at)
        from (select distinct on (r.step) r.step, r.status, r.started_at
                from public.lfi_runs r
               where r.run_date = p_date and not r.dry_run
               order by r.step, r.started_at desc) l), '[]'::jsonb));
$$;

call lfi_private.lfi_revoke_api_access();
