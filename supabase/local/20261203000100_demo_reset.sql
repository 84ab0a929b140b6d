-- LOCAL ONLY (supabase/local/: never sent to production by `supabase db push`).
--
-- `lfi demo --reset`: empties a database that holds the demo alone, so the demo can be loaded
-- again. A database with anything the demo did not put there is refused and left as it was.

-- Returns {"reset": true} (the database is now empty of LFI and platform rows, ready for
-- lfi_demo_load) or {"reset": false, "reason": "..."} and then changes nothing.
create function public.lfi_demo_reset()
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  previous public.lfi_demo_loads;
  added_segments bigint;
  added_partners bigint;
begin
  -- A load or reset at the same time waits here.
  lock table public.lfi_demo_loads in exclusive mode;
  select * into previous from public.lfi_demo_loads;
  if previous.seed is null then
    if exists (select from public.lead_segments) or exists (select from public.partners) or exists (select from public.leads) then
      return jsonb_build_object('reset', false, 'reason',
        'This database holds data that is not the demo''s (no demo was ever loaded into it): lfi demo --reset only reloads a database that holds the demo alone, so nothing was changed.');
    end if;
    return jsonb_build_object('reset', true);
  end if;

  -- The demo's segments and partners were made in the load's own transaction (now() is its start).
  select count(*) into added_segments from public.lead_segments where created_at <> previous.loaded_at;
  select count(*) into added_partners from public.partners where created_at <> previous.loaded_at;
  if added_segments > 0 or added_partners > 0 then
    return jsonb_build_object('reset', false, 'reason', format(
      'This database holds data that is not the demo''s (%s segment(s) and %s partner(s) added after the demo was loaded): lfi demo --reset only reloads a database that holds the demo alone, so nothing was changed.',
      added_segments, added_partners));
  end if;

  delete from public.channel_orchestration_log;
  delete from public.lead_segment_plans;
  delete from public.lead_target_overrides;
  delete from public.lead_generation_stats;
  delete from public.lead_segment_campaigns;
  delete from public.ads_campaign_daily_metrics;
  delete from public.lfi_run_leases;
  delete from public.lfi_runs;
  delete from public.lfi_system_log;
  delete from public.leads;
  delete from public.partner_regions;
  delete from public.partner_industries;
  delete from public.partners;
  delete from public.lead_segments;
  -- Only the branches the demo added; ones that were there before it stay.
  delete from public.industries i where i.created_at = previous.loaded_at;
  delete from public.lfi_sim_campaign_days;
  delete from public.lfi_sim_campaigns;
  update public.lfi_sim_state set last_date = null, updated_at = now();
  delete from public.lfi_demo_loads;
  return jsonb_build_object('reset', true);
end;
$$;

revoke execute on function public.lfi_demo_reset() from public, anon, authenticated;
