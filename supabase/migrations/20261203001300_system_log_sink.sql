-- A step's failure or partial night goes to lfi_system_log through the pipeline's one sink
-- (shared/pipeline/system-log.ts), beside its orchestration summaries, backfills and restores:
-- lfi_finish_run only records the run. As in 20261202001000 otherwise.
create or replace function public.lfi_finish_run(p_run_id uuid, p_status text, p_counts jsonb default '{}', p_error text default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.lfi_runs
     set status = p_status, counts = coalesce(p_counts, '{}'::jsonb), error_message = p_error, finished_at = now()
   where id = p_run_id;
  if not found then
    raise exception 'No run % to finish', p_run_id using errcode = 'no_data_found';
  end if;
end;
$$;

call lfi_private.lfi_revoke_api_access();
