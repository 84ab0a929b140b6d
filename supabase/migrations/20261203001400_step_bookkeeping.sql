-- A step's bookkeeping in one round trip at each end: lfi_begin_step takes (or renews) the date's
-- lease and opens the run record; lfi_end_step closes the record, writes the step's system-log
-- lines and, for the execution's last step, gives the lease back. The record and its log lines
-- land together or not at all. lfi_acquire_run_lease, lfi_start_run, lfi_finish_run and lfi_log
-- stay for the callers that need one of them alone (starting an execution, RecordFailure).

-- The lease as lfi_acquire_run_lease answers it; when acquired, also the run_id of the new record.
create function public.lfi_begin_step(
  p_run_date date, p_step text, p_dry_run boolean, p_holder text, p_ttl_seconds integer,
  p_started_by text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_lease jsonb := public.lfi_acquire_run_lease(p_run_date, p_holder, p_ttl_seconds);
begin
  if not (v_lease ->> 'acquired')::boolean then
    return v_lease;
  end if;
  return v_lease || pg_catalog.jsonb_build_object(
    'run_id', public.lfi_start_run(p_run_date, p_step, p_dry_run, p_holder, p_started_by));
end
$$;

-- p_log: the step's system-log lines, [{level, source, message, context}], in order.
-- p_release_lease: give back the lease of the run's date when this run's execution holds it.
create function public.lfi_end_step(
  p_run_id uuid, p_status text, p_counts jsonb default '{}', p_error text default null,
  p_log jsonb default '[]', p_release_lease boolean default false)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform public.lfi_finish_run(p_run_id, p_status, p_counts, p_error);
  insert into public.lfi_system_log (level, source, message, context)
  select x.line ->> 'level', x.line ->> 'source', x.line ->> 'message', coalesce(x.line -> 'context', '{}'::jsonb)
    from pg_catalog.jsonb_array_elements(coalesce(p_log, '[]'::jsonb)) with ordinality as x(line, n)
   order by x.n;
  if p_release_lease then
    delete from public.lfi_run_leases l
     using public.lfi_runs r
     where r.id = p_run_id and l.run_date = r.run_date and l.holder = r.execution_id;
  end if;
end
$$;

call lfi_private.lfi_revoke_api_access();
