import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertChannel } from '../../../shared/alerts/alerts.port.ts';
import { startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { addDays } from '../../../shared/domain/business-day.ts';
import { trackGapAlerts } from '../../../shared/pipeline/gap-alerts.ts';
import { loadRunSettings } from '../../../shared/pipeline/settings.repository.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';
import { databaseLanes } from '../../support/databases.ts';

const painter = '11111111-1111-4111-8111-111111111111';
const roofer = '22222222-2222-4222-8222-222222222222';

describe.each(databaseLanes)('gap alerts on $name', (lane) => {
  let db: SqlDatabase;
  let sent: Alert[];
  let failing: boolean;
  const channel: AlertChannel = {
    name: 'log',
    async publish(alert) {
      if (failing) throw new Error('SNS is down');
      sent.push(alert);
    },
  };

  beforeAll(async () => {
    db = await lane.open();
    await db.exec(`
      insert into public.lead_segments (id, code, branch, region, name) values
        ('${painter}', 'schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht'),
        ('${roofer}', 'dakdekker-zeeland', 'dakdekker', 'zeeland', 'Dakdekker Zeeland');
      insert into public.lfi_settings (key, value) values ('gap_alerts', '{"gapPercent": 30, "days": 3}');
    `);
  });
  afterAll(() => db?.close());
  beforeEach(() => {
    sent = [];
    failing = false;
  });

  /** The plan of a segment for a date with this gap % (target 10 leads a day). */
  const plan = (segmentId: string, date: string, gapPercentage: number) =>
    db.query(
      `insert into public.lead_segment_plans
         (segment_id, date, target_utilization, target_leads_per_day, actual_leads, lead_gap, lead_gap_percentage)
       values ($1, $2, 0.8, 10, 5, $3, $4)
       on conflict (segment_id, date) do update set lead_gap = excluded.lead_gap, lead_gap_percentage = excluded.lead_gap_percentage`,
      [segmentId, date, gapPercentage / 10, gapPercentage],
    );
  /** The run of `date`, the morning after it (a live run) unless `now` says otherwise. */
  const night = async (date: string, options: { dryRun?: boolean; now?: string } = {}) =>
    trackGapAlerts(
      await createRuntime(loadConfig({ LFI_DASHBOARD_URL: 'https://lfi.example.com/' }), {
        db,
        clock: { now: () => new Date(options.now ?? `${addDays(date, 1)}T09:00:00Z`) },
        logger: silentLogger,
        alerts: channel,
      }),
      { date, dryRun: options.dryRun ?? false, windowDays: 7 },
      (await loadRunSettings(db)).gapAlerts,
    );
  const episodes = () =>
    db.query<{ segment_id: string; started_on: string; raised_on: string; closed_on: string | null }>(
      `select segment_id, started_on::text, raised_on::text, last_seen_on::text, closed_on::text,
              peak_gap_percentage::float8 as peak, alerted_at is not null as alerted
         from public.lfi_gap_episodes order by raised_on, segment_id`,
    );

  it('raises one alert on the third day beyond ±30%, with the explanation and a link to the segment', async () => {
    const days = ['2026-11-20', '2026-11-21', '2026-11-22'];
    for (const [index, date] of days.entries()) {
      await plan(painter, date, [45, 50, 40][index] ?? 0);
      await plan(roofer, date, 10);
      const counts = await night(date);
      expect(counts.gap_episodes_opened).toBe(index === 2 ? 1 : 0);
    }
    expect(sent).toEqual([
      {
        kind: 'gap_episode',
        subject: 'LFI gap alert: schilder-utrecht since 2026-11-22',
        explanation:
          'schilder-utrecht: too few leads, gap +40.0% (recent average 6.00 against a target of 10.00 leads a day) beyond ±30% for 3 days in a row since 2026-11-20.',
        link: `https://lfi.example.com/#/segment/${painter}`,
      },
    ]);
    expect(await episodes()).toEqual([
      expect.objectContaining({
        segment_id: painter,
        started_on: '2026-11-20',
        raised_on: '2026-11-22',
        closed_on: null,
        peak: 50,
        alerted: true,
      }),
    ]);
  });

  it('raises no second alert while the gap stays large, nor on a re-run of the same date', async () => {
    await plan(painter, '2026-11-23', -80);
    await night('2026-11-23');
    await night('2026-11-23');
    expect(sent).toEqual([]);
    expect(await episodes()).toEqual([
      expect.objectContaining({ last_seen_on: '2026-11-23', peak: -80, closed_on: null }),
    ]);
  });

  it('leaves the episode alone on a re-run of an older date, and closes it on the first day back within the threshold', async () => {
    await plan(painter, '2026-11-21', 5);
    const old = await night('2026-11-21', { now: '2026-11-24T09:00:00Z' });
    expect(old.gap_episodes_closed).toBe(0);
    await plan(painter, '2026-11-24', 12);
    const counts = await night('2026-11-24');
    expect(counts).toMatchObject({ gap_episodes_closed: 1, gap_alerts_sent: 0 });
    expect(await episodes()).toEqual([expect.objectContaining({ closed_on: '2026-11-24' })]);
    expect(sent).toEqual([]);
  });

  it('records a backfilled episode without alerting, and alerts it on the live night if still open', async () => {
    for (const date of ['2026-11-25', '2026-11-26', '2026-11-27']) {
      await plan(roofer, date, -60);
      await night(date, { now: '2026-11-29T09:00:00Z' });
    }
    expect(sent).toEqual([]);
    await plan(roofer, '2026-11-28', -65);
    await night('2026-11-28', { dryRun: true });
    expect(sent).toEqual([]);
    await night('2026-11-28');
    expect(sent.map((alert) => alert.subject)).toEqual(['LFI gap alert: dakdekker-zeeland since 2026-11-27']);
  });

  it('keeps an alert that could not be published for the next run', async () => {
    for (const date of ['2026-11-25', '2026-11-26', '2026-11-27']) await plan(painter, date, 90);
    failing = true;
    for (const date of ['2026-11-25', '2026-11-26']) await night(date, { now: '2026-11-28T09:00:00Z' });
    expect(await night('2026-11-27')).toMatchObject({ gap_episodes_opened: 1, gap_alerts_unsent: 1 });
    failing = false;
    await plan(painter, '2026-11-28', 90);
    expect(await night('2026-11-28')).toMatchObject({ gap_alerts_sent: 1 });
    expect(sent.map((alert) => alert.subject)).toEqual(['LFI gap alert: schilder-utrecht since 2026-11-27']);
  });

  it('lists the episodes in the API, open ones first, filtered by status, with 400 for a bad status', async () => {
    const server = await startLocalServer({
      runtime: { db, clock: { now: () => new Date('2026-11-29T09:00:00Z') }, logger: silentLogger },
      port: 0,
      settings: { allowedOrigins: [], timeZone: 'Europe/Amsterdam', readCacheMs: 0 },
    });
    try {
      const get = async (query: string) => {
        const response = await fetch(`${server.url}/api/alerts/gap-episodes${query}`, {
          headers: { authorization: `Bearer ${server.token}` },
        });
        return { status: response.status, json: await response.json() };
      };
      const all = await get('');
      expect(all.status).toBe(200);
      expect(all.json.page).toEqual({ limit: 50, offset: 0, total: 3 });
      expect(
        all.json.items.map((e: { segment_code: string; status: string; raised_on: string }) => [
          e.segment_code,
          e.status,
          e.raised_on,
        ]),
      ).toEqual([
        ['dakdekker-zeeland', 'open', '2026-11-27'],
        ['schilder-utrecht', 'open', '2026-11-27'],
        ['schilder-utrecht', 'closed', '2026-11-22'],
      ]);
      expect(all.json.items[2]).toMatchObject({
        segment_id: painter,
        segment_name: 'Schilder Utrecht',
        started_on: '2026-11-20',
        closed_on: '2026-11-24',
        threshold_percentage: 30,
        threshold_days: 3,
        peak_gap_percentage: -80,
        closing_explanation:
          'schilder-utrecht: gap back to +12.0% on 2026-11-24, within ±30% (large since 2026-11-20).',
      });
      expect(typeof all.json.items[2].alerted_at).toBe('string');
      const closed = await get('?status=closed&limit=1');
      expect(closed.json.items).toHaveLength(1);
      expect(closed.json.page.total).toBe(1);
      const bad = await get('?status=maybe');
      expect(bad.status).toBe(400);
      expect(bad.json.error.details).toEqual([
        { field: 'query.status', message: 'must be open, closed or all' },
      ]);
    } finally {
      await server.close();
    }
  });
});
