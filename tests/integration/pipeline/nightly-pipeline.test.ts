import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createAggregateHandler } from '../../../lambdas/aggregate/handler.ts';
import type { AdsChannel, BudgetChange, CampaignRef } from '../../../shared/ads/ads-channel.port.ts';
import { createSimulatedMarket, type SimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { addDays } from '../../../shared/domain/business-day.ts';
import { runAggregateStep } from '../../../shared/pipeline/aggregate.step.ts';
import { runOrchestrateStep } from '../../../shared/pipeline/orchestrate.step.ts';
import { runPlanStep } from '../../../shared/pipeline/plan.step.ts';
import { InputError } from '../../../shared/runtime/errors.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';

// The demo world (60 segments, two ads accounts) with ten days of simulated history up to
// 2026-11-24. Each test runs the pipeline for a date of its own, so they share one database.
const seed = 7;
// Each run happens the morning after its date, as the nightly schedule runs it: a live run.
let today = '2026-11-25';
const clock = { now: () => new Date(`${today}T10:00:00Z`) };
const morningAfter = (date: string) => {
  today = addDays(date, 1);
};

interface Decision {
  segment_id: string;
  code: string;
  campaign_id: string;
  status: string;
  action_type: string;
  old_value: string;
  new_value: string;
  explanation: string;
  error_message: string | null;
}

describe.each(databaseLanes)('the nightly pipeline on $name', (lane) => {
  let db: SqlDatabase;
  let market: SimulatedMarket;
  let runtime: Runtime;

  beforeAll(async () => {
    db = await lane.open();
    market = createSimulatedMarket(db, { seed });
    await loadDemo(db, market, { days: 10, seed, today: '2026-11-25' });
    runtime = await runtimeWith(market);
  }, 600_000);
  afterAll(() => db?.close());

  const runtimeWith = (ads: AdsChannel) =>
    createRuntime(loadConfig({}), { db, ads, clock, logger: silentLogger });

  const runSteps = async (rt: Runtime, date: string, dryRun = false) => {
    morningAfter(date);
    return runOrchestrateStep(
      rt,
      await runPlanStep(rt, await runAggregateStep(rt, { date, dryRun, windowDays: 7 })),
    );
  };
  const runNight = (rt: Runtime, date: string) => {
    morningAfter(date);
    return runNightlyLocally(rt, { date });
  };

  const decisions = (date: string) =>
    db.query<Decision>(
      `select l.segment_id, s.code, l.campaign_id, l.status, l.action_type, l.old_value::text, l.new_value::text,
              l.explanation, l.error_message
         from public.channel_orchestration_log l join public.lead_segments s on s.id = l.segment_id
        where l.date = $1 order by s.code, l.status`,
      [date],
    );

  const plans = (date: string) =>
    db.query<{ code: string; target_leads_per_day: number; lead_gap: number; budget: string | null }>(
      `select s.code, p.target_leads_per_day::float8 as target_leads_per_day, p.lead_gap::float8 as lead_gap,
              p.lead_gap_percentage::text,
              p.actual_daily_budget_google_ads::text as budget, p.target_source
         from public.lead_segment_plans p join public.lead_segments s on s.id = p.segment_id
        where p.date = $1 order by s.code`,
      [date],
    );

  const mappedCampaigns = async (): Promise<CampaignRef[]> =>
    (
      await db.query<{ customer_id: string; campaign_id: string }>(
        `select customer_id, campaign_id from public.lead_segment_campaigns where is_active order by campaign_id`,
      )
    ).map((c) => ({ customerId: c.customer_id, campaignId: c.campaign_id }));

  const budgets = async () =>
    Object.fromEntries(
      (await market.currentBudgets(await mappedCampaigns())).map((b) => [b.campaignId, b.amountMicros]),
    );

  it('runs the state machine CDK synthesizes on demo data: a plan for every active segment, one decision per mapped segment', async () => {
    const execution = await runNight(runtime, '2026-11-20');
    expect(execution.status).toBe('SUCCEEDED');

    const [{ active }] = (await db.query<{ active: number }>(
      'select count(*)::int as active from public.lead_segments where is_active',
    )) as [{ active: number }];
    expect(await plans('2026-11-20')).toHaveLength(active);

    const mapped = await db.query<{ segment_id: string }>(
      `select distinct c.segment_id from public.lead_segment_campaigns c
         join public.lead_segments s on s.id = c.segment_id where c.is_active and s.is_active`,
    );
    const logged = await decisions('2026-11-20');
    expect(logged).toHaveLength(mapped.length);
    expect(new Set(logged.map((d) => d.segment_id)).size).toBe(mapped.length);
    expect(logged.some((d) => d.status === 'applied' || d.status === 'clamped')).toBe(true);
    for (const decision of logged) expect(decision.explanation).not.toBe('');

    // The market reports each day's budget and budget-lost share, as Google's report does.
    const budgetsOfDay = await db.query<{ stats: string | null; market: string; lost: string | null }>(
      `select st.google_ads_budget::text as stats, st.google_ads_budget_lost_impression_share::text as lost,
              (select round(sum(d.budget_micros) / 1000000.0, 2)::text
                 from public.lfi_sim_campaign_days d
                 join public.lead_segment_campaigns c
                   on c.customer_id = d.customer_id and c.campaign_id = d.campaign_id and c.is_active
                where c.segment_id = st.segment_id and d.date = st.date) as market
         from public.lead_generation_stats st
        where st.date = '2026-11-20'
          and exists (select from public.lead_segment_campaigns c where c.segment_id = st.segment_id and c.is_active)`,
    );
    expect(budgetsOfDay.length).toBe(mapped.length);
    for (const row of budgetsOfDay) {
      expect(row.stats).toBe(row.market);
      expect(Number(row.lost)).toBeGreaterThanOrEqual(0);
      expect(Number(row.lost)).toBeLessThanOrEqual(1);
      expect(row.lost).not.toBeNull();
    }

    const runs = await db.query<{ step: string; status: string }>(
      `select step, status from public.lfi_runs where run_date = '2026-11-20' order by started_at`,
    );
    expect(runs).toEqual([
      { step: 'aggregate', status: 'succeeded' },
      { step: 'plan', status: 'succeeded' },
      { step: 'orchestrate', status: 'succeeded' },
    ]);
  });

  it('gives the controller each lookback day’s clicks as the report gave them', async () => {
    await runNight(runtime, '2026-11-20'); // a rerun of the first test's night changes nothing
    const [{ inputs }] = (await db.query<{
      inputs: { segment_id: string; history: { date: string; clicks: number }[] }[];
    }>(`select public.lfi_orchestration_inputs('2026-11-20', 'google_ads', 7) as inputs`)) as [
      { inputs: { segment_id: string; history: { date: string; clicks: number }[] }[] },
    ];
    const stats = await db.query<{ segment_id: string; date: string; clicks: number }>(
      `select segment_id, date::text as date, google_ads_clicks as clicks from public.lead_generation_stats
        where date > date '2026-11-20' - 7 and date <= '2026-11-20'`,
    );
    const reported = new Map(stats.map((row) => [`${row.segment_id} ${row.date}`, row.clicks]));

    const days = inputs.flatMap((segment) =>
      segment.history.map((day) => [day.clicks, reported.get(`${segment.segment_id} ${day.date}`)]),
    );
    expect(days.length).toBeGreaterThan(inputs.length);
    for (const [given, report] of days) expect(given).toBe(report);
    expect(days.some(([clicks]) => (clicks ?? 0) > 0)).toBe(true);
  });

  it('changes nothing when the same date runs again: budgets, plans and the log stay as after the first run', async () => {
    const before = {
      budgets: await budgets(),
      plans: await plans('2026-11-20'),
      log: await decisions('2026-11-20'),
    };
    const execution = await runNight(runtime, '2026-11-20');
    expect(execution.status).toBe('SUCCEEDED');
    await runSteps(runtime, '2026-11-20');
    expect(await budgets()).toEqual(before.budgets);
    expect(await plans('2026-11-20')).toEqual(before.plans);
    expect(await decisions('2026-11-20')).toEqual(before.log);
  });

  it('logs a failed change for one segment, keeps its plan at the old budget, applies the others, and retries only it', async () => {
    const date = '2026-11-21';
    await runSteps(runtime, date, true);
    const wouldChange = (await decisions(date)).filter((d) => d.old_value !== d.new_value);
    const victim = wouldChange[0];
    if (!victim) throw new Error('The demo data gave no change to fail.');
    await db.query('delete from public.channel_orchestration_log where date = $1', [date]);

    const failing = createSimulatedMarket(db, { seed, failCampaigns: new Set([victim.campaign_id]) });
    const output = await runSteps(await runtimeWith(failing), date);
    expect(output.orchestrate).toMatchObject({ failed: 1 });

    const logged = await decisions(date);
    const failed = logged.filter((d) => d.status === 'failed');
    expect(failed.map((d) => d.code)).toEqual([victim.code]);
    expect(failed[0]?.error_message).toBeTruthy();
    const planOf = async (code: string) => (await plans(date)).find((p) => p.code === code);
    expect((await planOf(victim.code))?.budget).toBe(victim.old_value);
    const applied = logged.filter((d) => d.status === 'applied' || d.status === 'clamped');
    expect(applied.length).toBeGreaterThan(0);
    for (const decision of applied) expect((await planOf(decision.code))?.budget).toBe(decision.new_value);

    const budgetsAfterFailure = await budgets();
    await runSteps(runtime, date);
    const retried = await decisions(date);
    expect(retried.filter((d) => d.code !== victim.code)).toEqual(
      logged.filter((d) => d.code !== victim.code),
    );
    expect(retried.find((d) => d.code === victim.code)?.status).not.toBe('failed');
    const changed = Object.entries(await budgets()).filter(
      ([id, amount]) => budgetsAfterFailure[id] !== amount,
    );
    expect(changed.map(([id]) => id)).toEqual([victim.campaign_id]);
  });

  it('adopts a budget someone changed by hand as the new baseline, and steers from it the next night', async () => {
    const lastApplied = (await decisions('2026-11-21')).find(
      (d) => d.status === 'applied' || d.status === 'clamped',
    );
    if (!lastApplied) throw new Error('No applied decision to build on.');
    const [campaign] = await market.currentBudgets(
      (await mappedCampaigns()).filter((c) => c.campaignId === lastApplied.campaign_id),
    );
    if (!campaign) throw new Error('Campaign budget not found.');
    const byHand = campaign.amountMicros + 7_000_000;
    await market.applyBudgetChanges(
      campaign.customerId,
      [{ ...campaign, segmentId: lastApplied.segment_id, newAmountMicros: byHand }],
      { validateOnly: false },
    );
    await runSteps(runtime, '2026-11-22');
    const decision = (await decisions('2026-11-22')).find((d) => d.code === lastApplied.code);
    expect(decision?.status).toBe('adopted');
    expect(decision?.explanation).toMatch(/changed outside LFI.*new baseline/);
    expect(Number(decision?.new_value)).toBe(byHand / 1_000_000);
    expect((await budgets())[campaign.campaignId]).toBe(byHand);
    const [plan] = await db.query<{ budget: string }>(
      `select p.actual_daily_budget_google_ads::text as budget from public.lead_segment_plans p
        where p.segment_id = $1 and p.date = '2026-11-22'`,
      [lastApplied.segment_id],
    );
    expect(Number(plan?.budget)).toBe(byHand / 1_000_000);

    // The next night the adopted amount is LFI's baseline: the segment is steered again, not skipped.
    await runSteps(runtime, '2026-11-23', true);
    const next = (await decisions('2026-11-23')).find((d) => d.code === lastApplied.code);
    expect(next?.explanation).not.toMatch(/changed outside LFI/);
    expect(Number(next?.old_value)).toBe(byHand / 1_000_000);
  });

  it('decides and logs a dry run without changing a budget or a plan, and a later real run still applies', async () => {
    const date = '2026-11-23';
    const before = await budgets();
    await runSteps(runtime, date, true);
    const dry = await decisions(date);
    expect(dry.length).toBeGreaterThan(0);
    expect(dry.every((d) => d.status === 'dry_run')).toBe(true);
    expect(await budgets()).toEqual(before);
    expect((await plans(date)).every((p) => p.budget === null)).toBe(true);

    await runSteps(runtime, date);
    const real = (await decisions(date)).filter((d) => d.status !== 'dry_run');
    expect(real.some((d) => d.status === 'applied' || d.status === 'clamped')).toBe(true);
  });

  it('changes nothing after a week without leads or cost (a tracking outage), and says why', async () => {
    // A week after the demo's last day, with a report that has no cost and no new leads.
    const date = '2026-12-05';
    const silent: AdsChannel = {
      ...market,
      name: market.name,
      dailyMetrics: async () => [],
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: (...args) => market.applyBudgetChanges(...args),
    };
    const before = await budgets();
    await runSteps(await runtimeWith(silent), date);
    const logged = await decisions(date);
    expect(logged.length).toBeGreaterThan(0);
    expect(await budgets()).toEqual(before);
    for (const decision of logged) {
      expect(decision).toMatchObject({ status: 'skipped', action_type: 'no_change' });
      expect(decision.explanation).toMatch(
        /no leads and no ad cost in the last 7 days: no data is no signal/,
      );
    }
  });

  it('does not raise a budget where no impressions are lost to budget, and says so', async () => {
    const date = '2026-11-25';
    await runSteps(runtime, date, true);
    const raised = (await decisions(date)).find((d) => d.action_type === 'budget_increase');
    if (!raised) throw new Error('The dry run raised no budget to build on.');
    // The same night, with the report saying this segment's budget no longer limits delivery.
    const mapped = new Set(
      (
        await db.query<{ campaign_id: string }>(
          'select campaign_id from public.lead_segment_campaigns where segment_id = $1',
          [raised.segment_id],
        )
      ).map((c) => c.campaign_id),
    );
    const saturated: AdsChannel = {
      ...market,
      name: market.name,
      dailyMetrics: async (...args) =>
        (await market.dailyMetrics(...args)).map((m) =>
          mapped.has(m.campaignId) ? { ...m, searchBudgetLostImpressionShare: 0 } : m,
        ),
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: (...args) => market.applyBudgetChanges(...args),
    };
    await runSteps(await runtimeWith(saturated), date);
    const decision = (await decisions(date)).find((d) => d.code === raised.code && d.status !== 'dry_run');
    expect(decision).toMatchObject({ action_type: 'no_change', status: 'skipped' });
    expect(decision?.explanation).toMatch(/budget does not limit delivery \(0% impressions lost to budget/);
  });

  it('settles a change that landed before a crash as applied, without sending it again', async () => {
    const date = '2026-11-19';
    const sent: BudgetChange[] = [];
    const crashing: AdsChannel = {
      ...market,
      name: market.name,
      dailyMetrics: (...args) => market.dailyMetrics(...args),
      currentBudgets: (...args) => market.currentBudgets(...args),
      async applyBudgetChanges(customerId, changes, options) {
        await market.applyBudgetChanges(customerId, changes, options);
        throw new Error('connection reset after the request was sent');
      },
    };
    await runSteps(await runtimeWith(crashing), date);
    const afterCrash = await budgets();
    expect((await decisions(date)).some((d) => d.status === 'failed')).toBe(true);

    const recording: AdsChannel = {
      ...crashing,
      async applyBudgetChanges(customerId, changes, options) {
        sent.push(...changes);
        return market.applyBudgetChanges(customerId, changes, options);
      },
    };
    await runSteps(await runtimeWith(recording), date);
    expect(sent).toEqual([]);
    expect(await budgets()).toEqual(afterCrash);
    expect((await decisions(date)).filter((d) => d.status === 'failed')).toEqual([]);
  });

  it('changes no budget with the kill switch on, and none for a paused segment', async () => {
    const date = '2026-11-24';
    const before = await budgets();
    await db.query(`update public.lfi_settings set value = '{"enabled": true}' where key = 'kill_switch'`);
    let pausedId: string | undefined;
    try {
      await runSteps(runtime, date);
      const logged = await decisions(date);
      expect(logged.every((d) => d.old_value === d.new_value && d.status === 'skipped')).toBe(true);
      const decided = logged;
      expect(decided.length).toBeGreaterThan(0);
      expect(decided.every((d) => /kill switch/i.test(d.explanation))).toBe(true);
      expect(await budgets()).toEqual(before);

      const paused = decided[0];
      if (!paused) throw new Error('No decided segment.');
      pausedId = paused.segment_id;
      await db.query('update public.lead_segments set orchestration_paused = true where id = $1', [pausedId]);
      await db.query(`update public.lfi_settings set value = '{"enabled": false}' where key = 'kill_switch'`);
      await db.query('delete from public.channel_orchestration_log where date = $1', [date]);
      await runSteps(runtime, date);
      const ofPaused = (await decisions(date)).find((d) => d.code === paused.code);
      expect(ofPaused?.old_value).toBe(ofPaused?.new_value);
      expect(ofPaused?.explanation).toMatch(/paused/i);
    } finally {
      await db.query(`update public.lfi_settings set value = '{"enabled": false}' where key = 'kill_switch'`);
      if (pausedId)
        await db.query('update public.lead_segments set orchestration_paused = false where id = $1', [
          pausedId,
        ]);
    }
  });

  it('ends a run whose step fails as FAILED, records it and changes no plan or budget', async () => {
    const date = '2026-11-18';
    const broken: AdsChannel = {
      ...market,
      name: market.name,
      dailyMetrics: async () => {
        throw new Error('ads report unavailable');
      },
      currentBudgets: (...args) => market.currentBudgets(...args),
      applyBudgetChanges: (...args) => market.applyBudgetChanges(...args),
    };
    const before = await budgets();
    const execution = await runNight(await runtimeWith(broken), date);
    expect(execution).toMatchObject({ status: 'FAILED' });
    expect(JSON.stringify(execution)).toMatch(/ads report unavailable/);
    const runs = await db.query<{ step: string; status: string; error_message: string | null }>(
      `select step, status, error_message from public.lfi_runs where run_date = $1 order by started_at`,
      [date],
    );
    expect(runs.map((r) => [r.step, r.status])).toEqual([
      ['aggregate', 'failed'],
      ['pipeline', 'failed'],
    ]);
    expect(runs[1]?.error_message).toMatch(/ads report unavailable/);
    expect(await plans(date)).toEqual([]);
    expect(await budgets()).toEqual(before);
  });

  it('plans with an active override, ignores a cleared one, gives zero capacity a defined gap, and inactive segments no plan', async () => {
    const date = '2026-11-17';
    const [segment] = await db.query<{ id: string; code: string }>(
      'select id, code from public.lead_segments where is_active order by code limit 1',
    );
    if (!segment) throw new Error('No segment.');
    await db.query(
      `insert into public.lead_target_overrides (segment_id, target_leads_per_day, valid_from, valid_to, reason, created_by, cleared_at)
       values ($1, 999, '2026-11-01', null, 'cleared one', 'test', now()),
              ($1, 42, '2026-11-17', '2026-11-17', 'campaign week', 'test', null)`,
      [segment.id],
    );
    morningAfter(date);
    await runPlanStep(runtime, await runAggregateStep(runtime, { date, dryRun: false, windowDays: 7 }));
    const planned = await plans(date);
    expect(planned.find((p) => p.code === segment.code)).toMatchObject({
      target_leads_per_day: 42,
      target_source: 'override',
    });

    const inactive = await db.query<{ code: string }>(
      'select code from public.lead_segments where not is_active',
    );
    expect(inactive.length).toBeGreaterThan(0);
    for (const { code } of inactive) expect(planned.find((p) => p.code === code)).toBeUndefined();

    for (const plan of planned as ((typeof planned)[number] & { lead_gap_percentage: string })[]) {
      if (plan.target_leads_per_day === 0)
        expect(Number(plan.lead_gap_percentage)).toBe(plan.lead_gap === 0 ? 0 : -100);
    }
  });

  it('rejects bad input to a step handler with an error naming the field', async () => {
    const handler = createAggregateHandler(async () => runtime);
    const context = {} as Parameters<typeof handler>[1];
    await expect(handler({ date: '2026-02-30' }, context)).rejects.toThrowError(InputError);
    await expect(handler({ dryRun: 'yes' }, context)).rejects.toThrowError(/dryRun/);
    await expect(handler({ windowDays: 0 }, context)).rejects.toThrowError(/windowDays/);
  });
});
