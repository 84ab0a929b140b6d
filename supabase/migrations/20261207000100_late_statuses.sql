-- Late verdicts: partners may accept or reject a lead weeks after it came in, long after its day
-- has left the trailing window that lfi_aggregate_window recomputes each night. Such a day's row
-- kept counting those leads as pending for good, so its accepted count and revenue (what a lead
-- earns, which the controller's economic limit reads over its lookback) stayed short.
--
-- lfi_refresh_late_statuses recounts, for the days of [p_from, p_to] whose row still has pending
-- leads, the leads' statuses and revenue as they are now, and the utilization from the capacity
-- the day keeps. Nothing else in the row changes (leads, ad cost and capacity stay as the window
-- last aggregated them), and a day with nothing pending is not read again: once its leads are all
-- decided it costs nothing, so the range can span the longest lookback.

create function public.lfi_refresh_late_statuses(
  p_from date,
  p_to date,
  p_time_zone text default 'Europe/Amsterdam'
)
returns integer
language plpgsql
set search_path = ''
set jit = off
as $$
declare
  v_max_days constant integer := 92;
  v_rows integer;
begin
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from + 1 > v_max_days then
    raise exception 'lfi_refresh_late_statuses needs p_from <= p_to, at most % days apart (got % to %)',
      v_max_days, p_from, p_to
      using errcode = 'invalid_parameter_value';
  end if;
  begin
    perform p_from::timestamp at time zone p_time_zone;
  exception when invalid_parameter_value then
    raise exception 'lfi_refresh_late_statuses: unknown time zone "%"', p_time_zone
      using errcode = 'invalid_parameter_value', hint = 'Use an IANA name such as Europe/Amsterdam.';
  end;

  with pending_days as (
    select distinct st.date,
           st.date::timestamp at time zone p_time_zone as day_start,
           (st.date + 1)::timestamp at time zone p_time_zone as day_end
      from public.lead_generation_stats st
      join public.lead_segments s on s.id = st.segment_id
     where s.is_active and st.date between p_from and p_to and st.leads_pending > 0
  ),
  -- Each day's leads by a plain range on created_at, as the window's aggregate reads them.
  counts as (
    select l.segment_id, d.date,
           count(*) filter (where l.status = 'accepted') as accepted,
           count(*) filter (where l.status = 'rejected') as rejected,
           count(*) filter (where l.status in ('new', 'pending')) as pending,
           coalesce(sum(l.price_at_purchase) filter (where l.status = 'accepted'), 0) as revenue
      from pending_days d
      join public.leads l on l.created_at >= d.day_start and l.created_at < d.day_end
     where l.segment_id is not null
     group by 1, 2
  )
  update public.lead_generation_stats st
     set leads_accepted = c.accepted,
         leads_rejected = c.rejected,
         leads_pending = c.pending,
         revenue = c.revenue,
         capacity_utilization = case when st.capacity_total_leads > 0
                                     then round(least(1, c.accepted / st.capacity_total_leads), 4) end,
         updated_at = now()
    from counts c
   where st.segment_id = c.segment_id and st.date = c.date and st.leads_pending > 0
     and (st.leads_accepted, st.leads_rejected, st.leads_pending, st.revenue)
         is distinct from (c.accepted, c.rejected, c.pending, c.revenue);
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;

comment on function public.lfi_refresh_late_statuses(date, date, text) is
  'Aggregate step, after the window: recounts accepted, rejected and pending leads, revenue and utilization of the days in [p_from, p_to] whose lead_generation_stats row still has pending leads, from the leads'' statuses now; the rest of the row is kept. Returns the rows changed.';

call lfi_private.lfi_revoke_api_access();
