import type { SFNClient } from '@aws-sdk/client-sfn';
import { type LocalServer, startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { restoreNight } from '../../../shared/pipeline/restore.ts';
import { executionArn, stepFunctionsStarter } from '../../../shared/pipeline/step-functions.starter.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';

/** The API tests' clock: 25 November 2026, so "yesterday" in Amsterdam is 2026-11-24. */
export const now = new Date('2026-11-25T10:00:00Z');
export const yesterday = '2026-11-24';

export const segmentA = '11111111-1111-4111-8111-111111111111';
export const segmentB = '22222222-2222-4222-8222-222222222222';
export const unknownSegment = '99999999-9999-4999-8999-999999999999';

/**
 * Segment A has 15 days of stats (leads 1..15 on 2026-11-10..24, so 15 yesterday and a 7-day
 * average of (9+…+15)/7 = 12), plans for 5 days, an applied budget change on 11-23 (25.00 → 30.00),
 * a skipped decision and three dry runs on 11-24. Segment B has nothing but a failed decision.
 */
export async function seedApiData(db: SqlDatabase): Promise<void> {
  await db.exec(`
    insert into public.lead_segments (id, code, branch, region, name) values
      ('${segmentA}', 'schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht'),
      ('${segmentB}', 'dakdekker-zeeland', 'dakdekker', 'zeeland', 'Dakdekker Zeeland');
    insert into public.lead_generation_stats
      (segment_id, date, leads_generated, leads_accepted, revenue, avg_cpl, google_ads_spend, google_ads_clicks,
       capacity_partners, capacity_total_leads)
    select '${segmentA}', d::date, n, n - 1, 100.00, 5.50, 12.34, 40, 3, 20.5
    from generate_series(1, 15) n, lateral (select date '2026-11-09' + n as d) x;
    insert into public.lead_segment_plans
      (segment_id, date, target_utilization, target_leads_per_day, actual_leads, lead_gap, lead_gap_percentage,
       capacity_total_leads, actual_daily_budget_google_ads)
    select '${segmentA}', date '2026-11-09' + n, 0.8, 16, n, 16 - n, round((16 - n) * 100.0 / 16, 2), 20.5,
           case when n = 15 then 30.00 else 25.00 end
    from generate_series(11, 15) n;
    insert into public.lfi_runs (id, run_date, step, status, started_at, finished_at, counts, error_message) values
      ('aaaaaaaa-0000-4000-8000-000000000001', '2026-11-24', 'aggregate', 'succeeded', '2026-11-25T00:00:00Z', '2026-11-25T00:01:00Z', '{"segments": 2}', null),
      ('aaaaaaaa-0000-4000-8000-000000000002', '2026-11-24', 'plan', 'failed', '2026-11-25T00:02:00Z', '2026-11-25T00:02:30Z', '{}', 'capacity query timed out'),
      ('aaaaaaaa-0000-4000-8000-000000000003', '2026-11-23', 'orchestrate', 'succeeded', '2026-11-24T00:03:00Z', '2026-11-24T00:04:00Z', '{"applied": 1}', null);
    insert into public.channel_orchestration_log
      (segment_id, date, action_type, old_value, new_value, status, explanation, error_message, created_at) values
      ('${segmentA}', '2026-11-23', 'budget_increase', 25.00, 30.00, 'applied', 'Gap of 3 leads: +20%', null, '2026-11-24T00:03:30Z'),
      ('${segmentA}', '2026-11-24', 'no_change', 30.00, 30.00, 'skipped', 'Plan failed', null, '2026-11-25T00:03:00Z'),
      ('${segmentA}', '2026-11-24', 'budget_increase', 30.00, 36.00, 'dry_run', 'Dry run 1', null, '2026-11-25T00:04:01Z'),
      ('${segmentA}', '2026-11-24', 'budget_increase', 30.00, 36.00, 'dry_run', 'Dry run 2', null, '2026-11-25T00:04:02Z'),
      ('${segmentA}', '2026-11-24', 'budget_increase', 30.00, 36.00, 'dry_run', 'Dry run 3', null, '2026-11-25T00:04:03Z'),
      ('${segmentB}', '2026-11-24', 'budget_decrease', 50.00, 40.00, 'failed', 'Over target', 'Google Ads said no', '2026-11-25T00:05:00Z');
  `);
}

const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:NightlyPipeline';
/** Step Functions at the boundary: StartExecution answers with the execution's ARN and starts nothing. */
const stepFunctions = {
  send: async (command: { input: { name?: string } }) => ({
    executionArn: executionArn(stateMachineArn, command.input.name ?? ''),
    startDate: new Date(),
  }),
} as unknown as Pick<SFNClient, 'send'>;

export async function startTestServer(db: SqlDatabase): Promise<LocalServer> {
  const clock = { now: () => now };
  // The admin actions as in AWS: the run started through Step Functions, a restore on the
  // simulated market of this database.
  const runtime = await createRuntime(loadConfig({}), { db, clock, logger: silentLogger });
  return startLocalServer({
    runtime,
    port: 0,
    settings: { allowedOrigins: ['http://localhost:8787'], timeZone: 'Europe/Amsterdam' },
    actions: {
      nightly: stepFunctionsStarter(stateMachineArn, stepFunctions),
      restore: (request) => restoreNight(runtime, request),
    },
  });
}

/** A fingerprint of every LFI table, to prove a rejected request wrote nothing. */
export async function lfiChecksum(db: SqlDatabase): Promise<Record<string, string>> {
  const tables = [
    'lead_segments',
    'lead_segment_campaigns',
    'lead_generation_stats',
    'lead_segment_plans',
    'lead_target_overrides',
    'channel_orchestration_log',
    'lfi_runs',
    'lfi_settings',
    'lfi_system_log',
  ];
  const sums: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await db.query<{ sum: string | null; n: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum, count(*)::text as n from public.${table} t`,
    );
    sums[table] = `${row?.n}:${row?.sum}`;
  }
  return sums;
}
