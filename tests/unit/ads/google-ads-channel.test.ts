import { describe, expect, it } from 'vitest';
import type { BudgetChange } from '../../../shared/ads/ads-channel.port.ts';
import { AdsCredentialsError, AdsQuotaError, AdsUnavailableError } from '../../../shared/ads/ads-errors.ts';
import { GoogleAdsChannel, type GoogleAdsChannelOptions } from '../../../shared/ads/google-ads.channel.ts';
import { TransientError } from '../../../shared/runtime/errors.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import { budgetResource, fakeGoogleAds, googleAdsFailure } from './google-ads-double.ts';

const accountA = '1111111111';
const accountB = '2222222222';

function recordingLogger() {
  const lines: { level: string; message: string; context?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, context?: Record<string, unknown>) =>
    lines.push({ level, message, ...(context ? { context } : {}) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

function setup(options: Partial<GoogleAdsChannelOptions> = {}) {
  const fake = fakeGoogleAds();
  const { logger, lines } = recordingLogger();
  const sleeps: number[] = [];
  const channel = new GoogleAdsChannel({
    customerFor: fake.customerFor,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { fake, channel, lines, sleeps };
}

const change = (
  customerId: string,
  campaignId: string,
  budgetId: string,
  newAmountMicros: number,
): BudgetChange => ({
  customerId,
  campaignId,
  budgetId,
  segmentId: `segment-${campaignId}`,
  newAmountMicros,
});

describe('the Google Ads channel', () => {
  it('asks each account for the whole window in one report (GAQL by the library’s builder) with the mapped campaign ids', async () => {
    const { fake, channel } = setup();
    fake.campaigns.set(`${accountA}/101`, budgetResource(accountA, '9001'));
    fake.budgets.set(budgetResource(accountA, '9001'), { amountMicros: 25_000_000 });
    fake.metrics.set(`${accountA}/101/2026-11-18`, { cost_micros: 12_340_000, clicks: 7, conversions: 1.5 });
    fake.metrics.set(`${accountA}/101/2026-11-19`, {});

    const metrics = await channel.dailyMetrics(
      [
        { customerId: accountA, campaignId: '101' },
        { customerId: accountA, campaignId: '102' },
        { customerId: accountB, campaignId: '201' },
      ],
      '2026-11-14',
      '2026-11-20',
    );

    expect(fake.requests).toEqual([
      {
        customerId: accountA,
        kind: 'report',
        gaql:
          'SELECT campaign.id, campaign.campaign_budget, campaign_budget.amount_micros, customer.time_zone, ' +
          'metrics.cost_micros, metrics.clicks, metrics.conversions, metrics.search_budget_lost_impression_share, ' +
          'segments.date FROM campaign WHERE campaign.id IN (101, 102) ' +
          'AND segments.date >= "2026-11-14" AND segments.date <= "2026-11-20"',
      },
      {
        customerId: accountB,
        kind: 'report',
        gaql: expect.stringContaining(
          'WHERE campaign.id IN (201) AND segments.date >= "2026-11-14" AND segments.date <= "2026-11-20"',
        ),
      },
    ]);
    expect(metrics).toEqual([
      {
        customerId: accountA,
        campaignId: '101',
        date: '2026-11-18',
        costMicros: 12_340_000,
        clicks: 7,
        conversions: 1.5,
        budgetMicros: 25_000_000,
        searchBudgetLostImpressionShare: 0.1,
      },
      // A day without cost arrives with its metrics left out: zero, not missing.
      {
        customerId: accountA,
        campaignId: '101',
        date: '2026-11-19',
        costMicros: 0,
        clicks: 0,
        conversions: 0,
        budgetMicros: 25_000_000,
        searchBudgetLostImpressionShare: 0.1,
      },
    ]);
  });

  it('warns when an account reports its days in another time zone than the business day', async () => {
    const { fake, channel, lines } = setup({ timeZone: 'Europe/Amsterdam' });
    for (const account of [accountA, accountB]) {
      fake.campaigns.set(`${account}/1`, budgetResource(account, '9'));
      fake.metrics.set(`${account}/1/2026-11-18`, { cost_micros: 1_000_000 });
    }
    fake.timeZones.set(accountB, 'America/New_York');

    await channel.dailyMetrics(
      [
        { customerId: accountA, campaignId: '1' },
        { customerId: accountB, campaignId: '1' },
      ],
      '2026-11-14',
      '2026-11-20',
    );

    expect(lines.filter((l) => l.level === 'warn').map((l) => l.context)).toEqual([
      { customerId: accountB, accountTimeZone: 'America/New_York', businessTimeZone: 'Europe/Amsterdam' },
    ]);
  });

  it('refuses campaign ids and dates that are not plain digits and dates, so nothing foreign reaches GAQL', async () => {
    const { fake, channel } = setup();
    await expect(
      channel.dailyMetrics([{ customerId: accountA, campaignId: '1) OR (1=1' }], '2026-11-14', '2026-11-20'),
    ).rejects.toThrow('Campaign id must be digits');
    await expect(
      channel.dailyMetrics([{ customerId: accountA, campaignId: '1' }], "2026-11-14' OR '", '2026-11-20'),
    ).rejects.toThrow('YYYY-MM-DD');
    expect(fake.requests).toEqual([]);
  });

  it('reads current budgets with their sharing, and marks a budget shared unless all its campaigns map to one segment', async () => {
    const { fake, channel } = setup();
    const own = budgetResource(accountA, '9001');
    const library = budgetResource(accountA, '9002');
    const sameSegment = budgetResource(accountA, '9003');
    const withOutsider = budgetResource(accountA, '9004');
    fake.budgets.set(own, { amountMicros: 10_000_000 });
    fake.budgets.set(library, { amountMicros: 50_000_000, explicitlyShared: true, referenceCount: 3 });
    fake.budgets.set(sameSegment, { amountMicros: 30_000_000, explicitlyShared: true, referenceCount: 2 });
    fake.budgets.set(withOutsider, { amountMicros: 40_000_000, referenceCount: 2 });
    fake.campaigns.set(`${accountA}/1`, own);
    fake.campaigns.set(`${accountA}/2`, library);
    fake.campaigns.set(`${accountA}/3`, sameSegment);
    fake.campaigns.set(`${accountA}/4`, sameSegment);
    fake.campaigns.set(`${accountA}/5`, withOutsider);
    fake.campaigns.set(`${accountA}/6`, withOutsider);

    const budgets = await channel.currentBudgets([
      { customerId: accountA, campaignId: '1', segmentId: 's1' },
      { customerId: accountA, campaignId: '2', segmentId: 's2' },
      { customerId: accountA, campaignId: '3', segmentId: 's3' },
      { customerId: accountA, campaignId: '4', segmentId: 's3' },
      { customerId: accountA, campaignId: '5', segmentId: 's5' },
      { customerId: accountA, campaignId: '6', segmentId: 's6' },
    ]);

    expect(fake.requests).toEqual([
      {
        customerId: accountA,
        kind: 'report',
        gaql:
          'SELECT campaign.id, campaign_budget.resource_name, campaign_budget.amount_micros, ' +
          'campaign_budget.explicitly_shared, campaign_budget.reference_count, customer.currency_code ' +
          'FROM campaign WHERE campaign.id IN (1, 2, 3, 4, 5, 6) AND campaign.status != "REMOVED"',
      },
    ]);
    expect(
      budgets.map(({ campaignId, budgetId, amountMicros, shared }) => ({
        campaignId,
        budgetId,
        amountMicros,
        shared,
      })),
    ).toEqual([
      { campaignId: '1', budgetId: '9001', amountMicros: 10_000_000, shared: false },
      // In the shared library and used by campaigns LFI does not map.
      { campaignId: '2', budgetId: '9002', amountMicros: 50_000_000, shared: true },
      // Shared, but both campaigns using it belong to segment s3: s3 may change it.
      { campaignId: '3', budgetId: '9003', amountMicros: 30_000_000, shared: false },
      { campaignId: '4', budgetId: '9003', amountMicros: 30_000_000, shared: false },
      // Used by two segments: neither may change it.
      { campaignId: '5', budgetId: '9004', amountMicros: 40_000_000, shared: true },
      { campaignId: '6', budgetId: '9004', amountMicros: 40_000_000, shared: true },
    ]);
    expect(new Set(budgets.map((b) => b.currencyCode))).toEqual(new Set(['EUR']));
  });

  it('sends all changes of an account in one CampaignBudgetService request with partial failure on, in whole cents', async () => {
    const { fake, channel } = setup();
    fake.budgets.set(budgetResource(accountA, '9001'), { amountMicros: 10_000_000 });
    fake.budgets.set(budgetResource(accountA, '9002'), { amountMicros: 20_000_000 });

    const results = await channel.applyBudgetChanges(
      accountA,
      [change(accountA, '1', '9001', 12_000_000), change(accountA, '2', '9002', 16_004_999)],
      { validateOnly: false },
    );

    expect(fake.requests).toEqual([
      {
        customerId: accountA,
        kind: 'update',
        budgets: [
          { resource_name: 'customers/1111111111/campaignBudgets/9001', amount_micros: 12_000_000 },
          { resource_name: 'customers/1111111111/campaignBudgets/9002', amount_micros: 16_000_000 },
        ],
        options: { partial_failure: true, validate_only: false },
      },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(fake.budgets.get(budgetResource(accountA, '9002'))?.amountMicros).toBe(16_000_000);
  });

  it('sends the same request with validate_only for a dry run, and changes nothing', async () => {
    const { fake, channel } = setup();
    fake.budgets.set(budgetResource(accountA, '9001'), { amountMicros: 10_000_000 });

    const results = await channel.applyBudgetChanges(accountA, [change(accountA, '1', '9001', 12_000_000)], {
      validateOnly: true,
    });

    expect(fake.requests).toEqual([
      {
        customerId: accountA,
        kind: 'update',
        budgets: [{ resource_name: 'customers/1111111111/campaignBudgets/9001', amount_micros: 12_000_000 }],
        options: { partial_failure: true, validate_only: true },
      },
    ]);
    expect(results).toEqual([{ change: change(accountA, '1', '9001', 12_000_000), ok: true }]);
    expect(fake.budgets.get(budgetResource(accountA, '9001'))?.amountMicros).toBe(10_000_000);
  });

  it('maps a partial failure back to its change by operation index, applies the others, and logs the decoded error', async () => {
    const { fake, channel, lines } = setup();
    for (const id of ['9001', '9002', '9003'])
      fake.budgets.set(budgetResource(accountA, id), { amountMicros: 10_000_000 });
    fake.rejectBudgets.add(budgetResource(accountA, '9002'));

    const results = await channel.applyBudgetChanges(
      accountA,
      [
        change(accountA, '1', '9001', 11_000_000),
        change(accountA, '2', '9002', 11_000_000),
        change(accountA, '3', '9003', 11_000_000),
      ],
      { validateOnly: false },
    );

    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
      'ok',
      'campaign_budget_error.BUDGET_IN_USE_BY_EXPERIMENT: The budget cannot be changed while an experiment uses it.',
      'ok',
    ]);
    expect(fake.budgets.get(budgetResource(accountA, '9001'))?.amountMicros).toBe(11_000_000);
    expect(fake.budgets.get(budgetResource(accountA, '9002'))?.amountMicros).toBe(10_000_000);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'Google Ads rejected budget changes',
      context: {
        customerId: accountA,
        requestId: 'fake-request-1',
        googleAdsErrors: [
          {
            code: 'campaign_budget_error.BUDGET_IN_USE_BY_EXPERIMENT',
            message: 'The budget cannot be changed while an experiment uses it.',
            operationIndex: 1,
          },
        ],
      },
    });
  });

  it('splits more than 10,000 changes of an account into requests of at most 10,000 operations', async () => {
    const { fake, channel } = setup();
    fake.rejectBudgets.add(budgetResource(accountA, '10005'));
    const changes = Array.from({ length: 10_002 }, (_, i) =>
      change(accountA, String(i), String(i + 5), 5_000_000),
    );

    const results = await channel.applyBudgetChanges(accountA, changes, { validateOnly: false });

    const sizes = fake.requests.map((r) => (r.kind === 'update' ? r.budgets.length : 0));
    expect(sizes).toEqual([10_000, 2]);
    // Operation 0 of the second request is change 10,000: the index is per request.
    expect(results.flatMap((r, i) => (r.ok ? [] : [i]))).toEqual([10_000]);
  });

  it('retries a rate limit, waiting at least the retry_delay Google sends, then succeeds', async () => {
    const { fake, channel, sleeps, lines } = setup();
    fake.failNext.push(
      googleAdsFailure({ quota_error: 'RESOURCE_TEMPORARILY_EXHAUSTED' }, 'Too many requests.', 7),
      googleAdsFailure({ internal_error: 4 }, 'Transient error.'),
    );

    await channel.currentBudgets([{ customerId: accountA, campaignId: '1' }]);

    expect(fake.requests).toHaveLength(3);
    // 7 s asked by Google; then full jitter (random 0.5) of the 2 s second backoff step.
    expect(sleeps).toEqual([7_000, 1_000]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.context?.googleAdsErrors)).toEqual([
      [{ code: 'quota_error.RESOURCE_TEMPORARILY_EXHAUSTED', message: 'Too many requests.' }],
      [{ code: 'internal_error.TRANSIENT_ERROR', message: 'Transient error.' }],
    ]);
  });

  it('gives up with a TransientError, without waiting past the deadline, when the rate limit outlasts the time left', async () => {
    const { fake, channel, sleeps } = setup({ remainingMs: () => 20_000 });
    fake.failNext.push(googleAdsFailure({ quota_error: 'RESOURCE_TEMPORARILY_EXHAUSTED' }, 'Slow down.', 30));

    const failure = channel.dailyMetrics(
      [{ customerId: accountA, campaignId: '1' }],
      '2026-11-14',
      '2026-11-20',
    );

    await expect(failure).rejects.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toThrow('no time left before the deadline');
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails at once with a clear message when the daily quota is spent, without retrying', async () => {
    const { fake, channel, sleeps } = setup();
    fake.failNext.push(googleAdsFailure({ quota_error: 2 }, 'Resource has been exhausted.', 3600));

    const failure = channel.dailyMetrics(
      [{ customerId: accountA, campaignId: '1' }],
      '2026-11-14',
      '2026-11-20',
    );

    await expect(failure).rejects.toBeInstanceOf(AdsQuotaError);
    await expect(failure).rejects.toThrow('daily operations quota of the developer token is spent');
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('fails fast on bad credentials, naming the setting at fault', async () => {
    const { fake, channel } = setup();
    fake.failNext.push(googleAdsFailure({ authorization_error: 10 }, 'The developer token is not approved.'));
    await expect(channel.currentBudgets([{ customerId: accountA, campaignId: '1' }])).rejects.toThrow(
      /developer_token is not valid or not approved.*authorization_error\.DEVELOPER_TOKEN_NOT_APPROVED/,
    );

    fake.failNext.push(
      Object.assign(new Error('invalid_grant'), {
        config: { url: 'https://oauth2.googleapis.com/token' },
        response: { status: 400, data: { error: 'invalid_grant', error_description: 'Bad Request' } },
      }),
    );
    const oauth = channel.currentBudgets([{ customerId: accountA, campaignId: '1' }]);
    await expect(oauth).rejects.toBeInstanceOf(AdsCredentialsError);
    await expect(oauth).rejects.toThrow('Google OAuth rejected refresh_token (invalid_grant)');
    expect(fake.requests).toHaveLength(2);
  });

  it('fails a whole budget request that cannot be sent as failed results for its changes, not as a throw', async () => {
    const { fake, channel } = setup();
    fake.failNext.push(googleAdsFailure({ authentication_error: 'OAUTH_TOKEN_REVOKED' }, 'Revoked.'));

    const results = await channel.applyBudgetChanges(accountA, [change(accountA, '1', '9001', 11_000_000)], {
      validateOnly: false,
    });

    expect(results).toEqual([
      {
        change: change(accountA, '1', '9001', 11_000_000),
        ok: false,
        error: expect.stringContaining('refresh_token is expired or revoked'),
      },
    ]);
  });

  it('retries an unreachable API a few times quickly, then names the service that could not be reached, as an error no other layer retries', async () => {
    const { fake, channel, sleeps } = setup();
    const dns = () =>
      Object.assign(
        new Error('request to https://oauth2.googleapis.com/token failed, reason: getaddrinfo ENOTFOUND'),
        {
          code: 'ENOTFOUND',
          config: { url: 'https://oauth2.googleapis.com/token' },
        },
      );
    fake.failNext.push(dns(), dns(), dns());

    const failure = channel.dailyMetrics(
      [{ customerId: accountA, campaignId: '1' }],
      '2026-11-14',
      '2026-11-20',
    );

    // This is the ads call's one retry layer: Step Functions retries TransientError, so not this.
    await expect(failure).rejects.toBeInstanceOf(AdsUnavailableError);
    await expect(failure).rejects.not.toBeInstanceOf(TransientError);
    await expect(failure).rejects.toThrow(
      'Google OAuth (oauth2.googleapis.com) could not be reached: ENOTFOUND',
    );
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([125, 250]);
  });

  it('stops waiting for a call that does not answer within the call timeout', async () => {
    const { channel } = setup({
      customerFor: () => ({
        report: () => new Promise(() => {}),
        campaignBudgets: { update: () => new Promise(() => {}) },
      }),
      callTimeoutMs: 20,
      retry: { networkAttempts: 2, networkDelayMs: 1 },
    });
    await expect(
      channel.dailyMetrics([{ customerId: accountA, campaignId: '1' }], '2026-11-14', '2026-11-20'),
    ).rejects.toThrow('Google Ads API (googleads.googleapis.com) could not be reached: ERR_ADS_TIMEOUT');
  });
});
