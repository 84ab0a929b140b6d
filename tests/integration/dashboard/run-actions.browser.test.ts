import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalNightlyStarter, localNightlyStarter } from '../../../cli/local-nightly-starter.ts';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { type LocalServer, startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { restoreNight } from '../../../shared/pipeline/restore.ts';
import { acquireRunLease, releaseRunLease } from '../../../shared/pipeline/run-lease.repository.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { chromiumArgs } from '../../support/browser.ts';
import { databaseLanes } from '../../support/databases.ts';

// The dashboard `lfi serve` serves, in a real browser, with its "run yesterday now" and restore.
// The server's clock says 25 November: "yesterday" is the 24th.
const clock = { now: () => new Date('2026-11-25T10:00:00Z') };
const chromiumPath = inject('chromium');

const lane = databaseLanes[0];
if (!lane) throw new Error('No database lane.');

describe.skipIf(!chromiumPath)('the dashboard runs yesterday now and restores a night', () => {
  let db: SqlDatabase;
  let runtime: Runtime;
  let starter: LocalNightlyStarter;
  let server: LocalServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await lane.open();
    const market = createSimulatedMarket(db, { seed: 5 });
    await loadDemo(db, market, { days: 10, seed: 5, today: '2026-11-25' });
    runtime = await createRuntime(loadConfig({}), { db, ads: market, clock, logger: silentLogger });
    // An earlier night, so the status page has runs before the button is pressed.
    expect((await runNightlyLocally(runtime, { date: '2026-11-23' })).status).toBe('SUCCEEDED');
    starter = localNightlyStarter(runtime);
    server = await startLocalServer({
      runtime,
      port: 0,
      actions: { nightly: starter, restore: (request) => restoreNight(runtime, request) },
    });
    browser = await chromium.launch({ executablePath: chromiumPath ?? '', args: chromiumArgs });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  const open = async (): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/#/status`);
    await page.getByRole('button', { name: 'Gisteren nu draaien' }).waitFor();
    return page;
  };
  // `saying` names the message awaited: an earlier toast may still be on screen when the next one is due.
  const confirmAndRead = async (page: Page, kind: 'ok' | 'error', saying?: RegExp) => {
    await page.locator('dialog[open] button[data-confirm]').click();
    const toast = page.locator(`#toast.${kind}`, saying ? { hasText: saying } : {});
    await toast.waitFor();
    return (await toast.textContent()) ?? '';
  };
  const budgets = () =>
    db.query<{ campaign_id: string; budget_micros: string }>(
      'select campaign_id, budget_micros::text from public.lfi_sim_campaigns order by campaign_id',
    );

  it('lays the actions out readably: the dry-run box beside its words, room between the two parts', async () => {
    const page = await open();
    const box = await page.getByRole('checkbox', { name: /Proefrun/ }).boundingBox();
    const words = await page.getByText('Proefrun: alleen controleren, niets wijzigen').boundingBox();
    const button = await page.getByRole('button', { name: 'Gisteren nu draaien' }).boundingBox();
    const heading = await page.getByRole('heading', { name: 'Een nacht terugzetten' }).boundingBox();
    if (!box || !words || !button || !heading) throw new Error('An action is not on the page.');
    // On one line: the box left of its words, their middles level.
    expect(box.x + box.width).toBeLessThanOrEqual(words.x + 1);
    expect(Math.abs(box.y + box.height / 2 - (words.y + words.height / 2))).toBeLessThan(6);
    expect(box.width).toBeLessThan(40);
    expect(heading.y - (button.y + button.height)).toBeGreaterThanOrEqual(16);
    await page.close();
  });

  it('starts the nightly run for yesterday from the button, and the run history shows it', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Gisteren nu draaien' }).click();
    const said = await confirmAndRead(page, 'ok');
    expect(said).toMatch(
      /^Nachtrun voor 24 nov\.? 2026 gestart \(uitvoering local:2026-11-24-manual-[0-9a-f-]{36}\)/,
    );
    const [result] = await starter.settled();
    expect(result?.status).toBe('SUCCEEDED');

    await page.reload();
    await page.locator('table.run-history').waitFor();
    const startedBy = await page.locator('table.run-history [data-field="started-by"]').allTextContents();
    expect(startedBy.filter((who) => who === 'dashboard: admin@localhost')).toHaveLength(3);
    await page.close();
  });

  it('says in a sentence why not while a run of yesterday holds the lease', async () => {
    await acquireRunLease(db, { date: '2026-11-24', holder: 'local:the-schedule', ttlSeconds: 600 });
    try {
      const page = await open();
      await page.getByRole('button', { name: 'Gisteren nu draaien' }).click();
      const said = await confirmAndRead(page, 'error');
      expect(said).toMatch(
        /A run of 2026-11-24 is in progress: execution local:the-schedule holds its lease .*nothing was started/,
      );
      expect(await starter.settled()).toHaveLength(1); // still only the first
      await page.close();
    } finally {
      await releaseRunLease(db, '2026-11-24', 'local:the-schedule');
    }
  });

  it('restores the night: a dry run changes nothing, then the budgets go back', async () => {
    const [changed] = await db.query<{ n: number }>(
      `select count(*)::int as n from public.channel_orchestration_log
        where date = '2026-11-24' and status in ('applied', 'clamped') and old_value <> new_value`,
    );
    expect(changed?.n).toBeGreaterThan(0);
    const afterNight = await budgets();
    const page = await open();
    const form = page.locator('form.restore-form');
    await form.getByLabel('Nacht van').fill('24-11-2026');
    await form.getByLabel('Proefrun: alleen controleren, niets wijzigen').check();
    await form.getByRole('button', { name: 'Terugzetten' }).click();
    expect(await confirmAndRead(page, 'ok')).toMatch(
      /^Proefrun nacht van 24 nov\.? 2026: \d+ budget\(ten\) zouden worden teruggezet, \d+ overgeslagen, 0 mislukt\.$/,
    );
    expect(await budgets()).toEqual(afterNight);

    await page.locator('form.restore-form').getByLabel('Nacht van').fill('24-11-2026');
    await page.locator('form.restore-form').getByRole('button', { name: 'Terugzetten' }).click();
    const said = await confirmAndRead(page, 'ok', /^Nacht van /);
    const restored = Number(/: (\d+) budget\(ten\) teruggezet/.exec(said)?.[1]);
    const skipped = Number(/(\d+) overgeslagen/.exec(said)?.[1]);
    expect(restored).toBeGreaterThan(0);
    expect(restored + skipped).toBe(changed?.n);
    expect(await budgets()).not.toEqual(afterNight);
    expect(await page.locator('ul.restore-outcome li').count()).toBe(changed?.n);
    await page.close();
  });
});
