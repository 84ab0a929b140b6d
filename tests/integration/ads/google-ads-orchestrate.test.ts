import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ReportOptions } from 'google-ads-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createAggregateHandler } from '../../../lambdas/aggregate/handler.ts';
import { createOrchestrateHandler } from '../../../lambdas/orchestrate/handler.ts';
import { createPlanHandler } from '../../../lambdas/plan/handler.ts';
import { GoogleAdsChannel } from '../../../shared/ads/google-ads.channel.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { addDays } from '../../../shared/domain/business-day.ts';
import type { StepInput } from '../../../shared/pipeline/step-input.ts';
import {
  type GoogleAdsCredentials,
  googleAdsCredentialsFromSecret,
} from '../../../shared/runtime/credentials.ts';
import { TransientError } from '../../../shared/runtime/errors.ts';
import { localLambdaContext } from '../../../shared/runtime/local-lambda-context.ts';
import { jsonLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';
import {
  budgetResource,
  type FakeGoogleAds,
  fakeGoogleAds,
  googleAdsFailure,
} from '../../unit/ads/google-ads-double.ts';

// Seven segments of one branch, one partner serving them all, campaigns in one ads account:
//   s1 own budget · s2 own budget that Google rejects · s3 a budget shared with an unmapped campaign
//   s4 two campaigns sharing one budget (only s4's) · s5 own budget changed by hand after night one
//   s6 own budget in a second account · s7 one campaign in each account, the second one's budget rejected.
const account = '1234567890';
const otherAccount = '9876543210';
const regions = ['utrecht', 'gelderland', 'zeeland', 'limburg', 'drenthe', 'flevoland', 'groningen'] as const;
const campaigns: readonly [segment: number, customerId: string, campaignId: string, budgetId: string][] = [
  [1, account, '101', '9001'],
  [2, account, '102', '9002'],
  [3, account, '103', '9003'],
  [4, account, '104', '9004'],
  [4, account, '105', '9004'],
  [5, account, '106', '9006'],
  [6, otherAccount, '201', '9201'],
  [7, account, '107', '9007'],
  [7, otherAccount, '202', '9202'],
];

const secret = {
  developer_token: 'DEVTOKEN-4f9a1c',
  client_id: '987654-clientid-x1.apps.googleusercontent.com',
  client_secret: 'GOCSPX-client-secret-7e2b',
  refresh_token: '1//0refresh-token-d81f',
  login_customer_id: '111-222-3333',
};

let today = '2026-11-25';

const secrets = mockClient(SecretsManagerClient);
afterAll(() => secrets.restore());

describe.each(databaseLanes)('the Google Ads channel in the nightly pipeline on $name', (lane) => {
  let db: SqlDatabase;
  let fake: FakeGoogleAds;
  let credentials: GoogleAdsCredentials;
  let runtime: Runtime;
  const logged: string[] = [];
  const thrown: string[] = [];
  const sleeps: number[] = [];
  const segmentIds = new Map<number, string>();

  beforeAll(async () => {
    db = await lane.open();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
    credentials = await googleAdsCredentialsFromSecret(`lfi/google-ads/${lane.name}`);
    await seed();
    fake = fakeGoogleAds();
    for (const [, customerId, campaignId, budgetId] of campaigns) {
      fake.campaigns.set(`${customerId}/${campaignId}`, budgetResource(customerId, budgetId));
      fake.budgets.set(budgetResource(customerId, budgetId), {
        amountMicros: 20_000_000,
        ...(budgetId === '9003' ? { explicitlyShared: true, referenceCount: 2 } : {}),
        ...(budgetId === '9004' ? { explicitlyShared: true, referenceCount: 2 } : {}),
      });
    }
    fake.rejectBudgets.add(budgetResource(account, '9002'));
    fake.rejectBudgets.add(budgetResource(otherAccount, '9202'));
    // A week of spend just under each budget, so the controller has data to act on (no data: no change).
    for (const [, customerId, campaignId] of campaigns)
      for (let day = 13; day <= 22; day++)
        fake.metrics.set(`${customerId}/${campaignId}/2026-11-${day}`, {
          cost_micros: 19_500_000,
          clicks: 15,
        });
    const logger = jsonLogger('lfi', { level: 'debug', write: (line) => logged.push(line) });
    // The boundary double as the library behaves: its errors carry the request, headers and all.
    const ads = new GoogleAdsChannel({
      customerFor: leakyBoundary(fake, credentials),
      logger,
      // No remainingMs: the channel keeps to the deadline of the Lambda invocation it runs in.
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    runtime = await createRuntime(loadConfig({}), {
      db,
      ads,
      logger,
      // Each night runs the morning after its date, as the schedule does: a live run that sends.
      clock: { now: () => new Date(`${today}T10:00:00Z`) },
    });
  }, 120_000);
  afterAll(() => db?.close());

  async function seed() {
    const [industry] = await db.query<{ id: string }>(
      `insert into public.industries (name) values ('Schilder') returning id`,
    );
    const [partner] = await db.query<{ id: string }>(
      `insert into public.partners (company_name, daily_lead_capacity) values ('Verf & Co', 60) returning id`,
    );
    await db.query('insert into public.partner_industries values ($1, $2)', [partner?.id, industry?.id]);
    for (const [index, region] of regions.entries()) {
      await db.query('insert into public.partner_regions values ($1, $2)', [partner?.id, region]);
      const [segment] = await db.query<{ id: string }>(
        `insert into public.lead_segments (code, branch, region, name) values ($1, 'schilder', $2, $1) returning id`,
        [`schilder-${region}`, region],
      );
      segmentIds.set(index + 1, segment?.id ?? '');
    }
    for (const [segment, customerId, campaignId] of campaigns)
      await db.query(
        'insert into public.lead_segment_campaigns (segment_id, customer_id, campaign_id) values ($1, $2, $3)',
        [segmentIds.get(segment), customerId, campaignId],
      );
  }

  /** Invokes a step's Lambda handler with a context of the given timeout. */
  const invoke =
    (
      create: (runtime: () => Promise<Runtime>) => (event: unknown, context: Context) => Promise<StepInput>,
      timeoutMs = 15 * 60_000,
    ) =>
    (event: unknown) =>
      create(async () => runtime)(event, localLambdaContext('lfi-test', timeoutMs));

  const night = async (date: string, dryRun = false) => {
    today = addDays(date, 1);
    try {
      const aggregated = await invoke(createAggregateHandler)({ date, dryRun, windowDays: 7 });
      return await invoke(createOrchestrateHandler)(await invoke(createPlanHandler)(aggregated));
    } catch (error) {
      thrown.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      throw error;
    }
  };

  const decisions = (date: string) =>
    db.query<{
      segment: string;
      status: string;
      old_value: string;
      new_value: string;
      error_message: string | null;
      explanation: string;
    }>(
      `select s.code as segment, l.status, l.old_value::text, l.new_value::text, l.error_message, l.explanation
         from public.channel_orchestration_log l join public.lead_segments s on s.id = l.segment_id
        where l.date = $1 order by s.code`,
      [date],
    );

  const amount = (customerId: string, budgetId: string) =>
    fake.budgets.get(budgetResource(customerId, budgetId))?.amountMicros;

  it('reads the report with one query per account, changes budgets in one request per account, and logs every decision', async () => {
    fake.metrics.set(`${account}/101/2026-11-19`, { cost_micros: 18_500_000, clicks: 12, conversions: 2 });
    fake.requests.length = 0;

    await night('2026-11-20');

    const queries = fake.requests.filter((r) => r.kind === 'report');
    expect(
      queries
        .filter((q) => q.gaql.includes('segments.date'))
        .map((q) => q.customerId)
        .sort(),
    ).toEqual([account, otherAccount]);
    expect(queries.find((q) => q.customerId === account && q.gaql.includes('segments.date'))?.gaql).toContain(
      'campaign.id IN (101, 102, 103, 104, 105, 106, 107) AND segments.date >= "2026-11-14" AND segments.date <= "2026-11-20"',
    );
    const [spend] = await db.query<{ cost_micros: string }>(
      `select cost_micros::text from public.ads_campaign_daily_metrics where campaign_id = '101' and date = '2026-11-19'`,
    );
    expect(spend?.cost_micros).toBe('18500000');

    const updates = fake.requests.filter((r) => r.kind === 'update');
    expect(updates.map((u) => u.customerId).sort()).toEqual([account, otherAccount]);
    const mine = updates.find((u) => u.customerId === account);
    expect(mine?.kind === 'update' && mine.options).toEqual({ partial_failure: true, validate_only: false });
    // s4's shared budget is changed once; s3's budget (shared outside LFI) not at all.
    expect(mine?.kind === 'update' && mine.budgets.map((b) => b.resource_name).sort()).toEqual(
      ['9001', '9002', '9004', '9006', '9007'].map((id) => budgetResource(account, id)),
    );
    for (const budget of mine?.kind === 'update' ? mine.budgets : [])
      expect(budget.amount_micros % 10_000).toBe(0);

    const log = await decisions('2026-11-20');
    const by = Object.fromEntries(log.map((d) => [d.segment, d]));
    expect(by['schilder-utrecht']?.status).toMatch(/applied|clamped/);
    expect(by['schilder-gelderland']).toMatchObject({
      status: 'failed',
      error_message: expect.stringContaining('campaign_budget_error.BUDGET_IN_USE_BY_EXPERIMENT'),
    });
    expect(by['schilder-zeeland']).toMatchObject({
      status: 'skipped',
      explanation: expect.stringContaining('shared budget'),
    });
    expect(by['schilder-limburg']?.status).toMatch(/applied|clamped/);
    expect(amount(account, '9001')).not.toBe(20_000_000);
    expect(amount(account, '9002')).toBe(20_000_000);
    expect(amount(account, '9003')).toBe(20_000_000);
    // s4's one budget of €20 (not €40 from counting it twice) moved as one.
    expect(by['schilder-limburg']?.old_value).toBe('20.00');
    expect(by['schilder-limburg']?.new_value).toBe((Number(amount(account, '9004')) / 1e6).toFixed(2));

    const [plan] = await db.query<{ budget: string | null }>(
      `select actual_daily_budget_google_ads::text as budget from public.lead_segment_plans
        where segment_id = $1 and date = '2026-11-20'`,
      [segmentIds.get(2)],
    );
    expect(plan?.budget).toBe('20.00');
  });

  it('logs each campaign budget a change sent with its own account, so a segment across two accounts shows which part failed', async () => {
    const [decision] = await db.query<{ id: string; status: string; customer_id: string | null }>(
      `select id, status, customer_id from public.channel_orchestration_log where segment_id = $1 and date = '2026-11-20'`,
      [segmentIds.get(7)],
    );
    expect(decision).toMatchObject({ status: 'failed', customer_id: null });
    const parts = await db.query<{
      customer_id: string;
      campaign_id: string;
      budget_id: string;
      old_value: string;
      new_value: string;
      error_message: string | null;
    }>(
      `select customer_id, campaign_id, budget_id, old_value::text, new_value::text, error_message
         from public.lfi_budget_changes where log_id = $1 order by customer_id`,
      [decision?.id],
    );
    expect(parts).toEqual([
      {
        customer_id: account,
        campaign_id: '107',
        budget_id: '9007',
        old_value: '20.00',
        new_value: (Number(amount(account, '9007')) / 1e6).toFixed(2),
        error_message: null,
      },
      {
        customer_id: otherAccount,
        campaign_id: '202',
        budget_id: '9202',
        old_value: '20.00',
        new_value: expect.not.stringMatching(/^20\.00$/),
        error_message: expect.stringContaining('campaign_budget_error.BUDGET_IN_USE_BY_EXPERIMENT'),
      },
    ]);
    expect(amount(account, '9007')).not.toBe(20_000_000);
    expect(amount(otherAccount, '9202')).toBe(20_000_000);
    // A segment with one campaign keeps its account on the decision itself.
    const [single] = await db.query<{ customer_id: string; campaign_id: string }>(
      `select customer_id, campaign_id from public.channel_orchestration_log where segment_id = $1 and date = '2026-11-20'`,
      [segmentIds.get(6)],
    );
    expect(single).toEqual({ customer_id: otherAccount, campaign_id: '201' });
  });

  it('adopts a budget changed by hand in Google Ads as the baseline the next night, sending nothing for it', async () => {
    const set = amount(account, '9006');
    fake.budgets.set(budgetResource(account, '9006'), { amountMicros: 33_000_000 });
    fake.requests.length = 0;

    await night('2026-11-21');

    const log = await decisions('2026-11-21');
    expect(log.find((d) => d.segment === 'schilder-drenthe')).toMatchObject({
      status: 'adopted',
      new_value: '33.00',
      explanation: expect.stringContaining('budget changed outside LFI'),
    });
    expect(set).not.toBe(33_000_000);
    expect(amount(account, '9006')).toBe(33_000_000);
    const sent = fake.requests.flatMap((r) =>
      r.kind === 'update' ? r.budgets.map((b) => b.resource_name) : [],
    );
    expect(sent).not.toContain(budgetResource(account, '9006'));
  });

  it('sends a dry run with validate_only and changes no budget', async () => {
    const before = structuredClone([...fake.budgets]);
    fake.requests.length = 0;

    await night('2026-11-22', true);

    const updates = fake.requests.filter((r) => r.kind === 'update');
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) expect(update.kind === 'update' && update.options.validate_only).toBe(true);
    expect([...fake.budgets]).toEqual(before);
  });

  it('records a run that fails on bad credentials as failed, and changes no plan or budget', async () => {
    const before = structuredClone([...fake.budgets]);
    fake.failNext.push(oauthRejection(credentials));

    today = '2026-11-24';
    const execution = await runNightlyLocally(runtime, { date: '2026-11-23' });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'AdsCredentialsError' });
    if (execution.status === 'FAILED') thrown.push(`${execution.error}: ${execution.cause}`);
    expect(execution.status === 'FAILED' && execution.cause).toContain(
      'Google OAuth rejected refresh_token (invalid_grant)',
    );
    const runs = await db.query<{ step: string; status: string }>(
      `select step, status from public.lfi_runs where run_date = '2026-11-23' order by started_at`,
    );
    expect(runs).toEqual([
      { step: 'aggregate', status: 'failed' },
      { step: 'pipeline', status: 'failed' },
    ]);
    expect(await db.query(`select 1 from public.lead_segment_plans where date = '2026-11-23'`)).toEqual([]);
    expect([...fake.budgets]).toEqual(before);
  });

  it("retries a rate limit within the Lambda's remaining time, and gives up at once when too little is left", async () => {
    const busy = () =>
      googleAdsFailure({ quota_error: 'RESOURCE_TEMPORARILY_EXHAUSTED' }, 'Too many requests.', 30);
    today = '2026-11-25';
    const event = { date: '2026-11-24', dryRun: true, windowDays: 7 };
    sleeps.length = 0;
    fake.failNext.push(busy());

    await invoke(createAggregateHandler)(event);
    expect(sleeps).toEqual([30_000]);

    sleeps.length = 0;
    fake.failNext.push(busy());
    const failure = invoke(createAggregateHandler, 20_000)(event);
    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toThrow('no time left before the deadline');
    expect(sleeps).toEqual([]);
    fake.failNext.length = 0;
  });

  it('leaves the budgets of an ads account that bills in another currency alone', async () => {
    fake.currencies.set(otherAccount, 'USD');
    fake.requests.length = 0;
    try {
      await night('2026-11-26');
    } finally {
      fake.currencies.delete(otherAccount);
    }

    expect((await decisions('2026-11-26')).find((d) => d.segment === 'schilder-flevoland')).toMatchObject({
      status: 'skipped',
      explanation: expect.stringContaining('bills in USD'),
    });
    const updated = fake.requests.flatMap((r) => (r.kind === 'update' ? [r.customerId] : []));
    expect(updated).not.toContain(otherAccount);
  });

  it('never lets a credential value reach a log line, an error message or a stored row', async () => {
    const stored = await db.query<{ row: string }>(
      `select row_to_json(t)::text as row from public.channel_orchestration_log t
       union all select row_to_json(t)::text from public.lfi_runs t
       union all select row_to_json(t)::text from public.lfi_system_log t`,
    );
    const output = [...logged, ...thrown, ...stored.map((r) => r.row)];
    expect(logged.length).toBeGreaterThan(10);
    expect(thrown.length).toBeGreaterThan(0);
    expect(stored.length).toBeGreaterThan(10);
    // The boundary did throw errors carrying every credential (so this test can fail).
    expect(fake.requests.length).toBeGreaterThan(0);
    const { developer_token, client_id, client_secret, refresh_token } = credentials;
    for (const value of [developer_token, client_id, client_secret, refresh_token])
      for (const text of output)
        expect(text.includes(value), `${value} leaked into: ${text.slice(0, 200)}`).toBe(false);
  });
});

/**
 * The double, plus the failures google-ads-api really throws, with the request inside: a DNS
 * failure on the first report (retried), and errors whose config holds the token and headers.
 */
function leakyBoundary(fake: FakeGoogleAds, credentials: GoogleAdsCredentials) {
  let first = true;
  return (customerId: string) => {
    const customer = fake.customerFor(customerId);
    return {
      ...customer,
      report: async (options: ReportOptions) => {
        if (first) {
          first = false;
          throw Object.assign(
            new Error('request to https://googleads.googleapis.com failed, reason: getaddrinfo EAI_AGAIN'),
            {
              code: 'EAI_AGAIN',
              config: {
                url: `https://googleads.googleapis.com/v24/customers/${customerId}/googleAds:searchStream`,
                headers: {
                  Authorization: 'Bearer ya29.token',
                  'developer-token': credentials.developer_token,
                },
              },
            },
          );
        }
        return customer.report(options);
      },
    };
  };
}

function oauthRejection(credentials: GoogleAdsCredentials) {
  return Object.assign(new Error('invalid_grant'), {
    config: {
      url: 'https://oauth2.googleapis.com/token',
      body: `refresh_token=${credentials.refresh_token}&client_id=${credentials.client_id}&client_secret=${credentials.client_secret}`,
    },
    response: {
      status: 400,
      data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    },
  });
}
