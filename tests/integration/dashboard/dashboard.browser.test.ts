import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { buildDashboard } from '../../../dashboard/build.ts';
import { dictionaries } from '../../../dashboard/src/i18n.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import type { LocalServer } from '../../../shared/api/local-server.ts';
import { startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime, type Runtime } from '../../../shared/runtime/runtime.ts';
import { chromiumArgs, screenshotsDir } from '../../support/browser.ts';
import { databaseLanes } from '../../support/databases.ts';

// A real browser (Debian's chromium, headless) on the page `lfi serve` serves, over demo data
// with one nightly run. The server's clock says 25 November: "yesterday" is the 24th.
let now = new Date('2026-11-25T10:00:00Z');
const clock = { now: () => now };
// Screenshots go to a git-ignored folder; `npm run screenshots` writes docs/screenshots/.
const screenshots = screenshotsDir('dashboard');
// The browser the global setup found (null: none, and these tests are skipped).
const chromiumPath = inject('chromium');

interface ApiSegment {
  id: string;
  code: string;
  name: string;
  branch: string;
  region: string;
  latest_plan: { target_leads_per_day: number; lead_gap_percentage: number } | null;
  overview: { leads_yesterday: number | null };
}

const lane = databaseLanes[0];
if (!lane) throw new Error('No database lane.');

describe.skipIf(!chromiumPath)('the Growth Engine dashboard in a real browser', () => {
  let db: SqlDatabase;
  let runtime: Runtime;
  let server: LocalServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    db = await lane.open();
    const market = createSimulatedMarket(db, { seed: 11 });
    await loadDemo(db, market, { days: 10, seed: 11, today: '2026-11-25' });
    runtime = await createRuntime(loadConfig({}), { db, ads: market, clock, logger: silentLogger });
    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    server = await startLocalServer({ runtime, port: 0 });
    browser = await chromium.launch({ executablePath: chromiumPath ?? '', args: chromiumArgs });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  const segmentsFromApi = async (): Promise<ApiSegment[]> => {
    const response = await fetch(`${server.url}/api/lead-segments?limit=200`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    return ((await response.json()) as { items: ApiSegment[] }).items;
  };

  const open = async (hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const page = await browser.newPage({ viewport, locale: 'nl-NL' });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/${hash}`);
    return page;
  };

  const confirm = async (page: Page) => {
    await page.locator('dialog[open] button[data-confirm]').click();
    await page.locator('#toast.ok').waitFor();
  };

  it('shows every segment of the API with its real target and gap, in Dutch', async () => {
    const page = await open('#/');
    await page.locator('table.segments tbody tr').first().waitFor();
    const fromApi = await segmentsFromApi();
    expect(await page.locator('table.segments tbody tr').count()).toBe(fromApi.length);
    const planned = fromApi.filter((s) => s.latest_plan && s.latest_plan.target_leads_per_day > 0);
    for (const segment of planned.slice(0, 5)) {
      const row = page.locator(`tr[data-segment="${segment.code}"]`);
      expect(await row.locator('[data-field="target"]').textContent()).toBe(
        new Intl.NumberFormat('nl-NL').format(segment.latest_plan?.target_leads_per_day ?? 0),
      );
      expect(await row.locator('[data-field="gap"]').textContent()).toContain(
        new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
          Math.abs(segment.latest_plan?.lead_gap_percentage ?? 0),
        ),
      );
    }
    expect(await page.locator('h2').textContent()).toBe('Overzicht');
    const nl = new Intl.NumberFormat('nl-NL');
    const total = (values: (number | null | undefined)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
    expect(await page.locator('[data-kpi="segments"]').textContent()).toBe(nl.format(fromApi.length));
    expect(await page.locator('[data-kpi="target"]').textContent()).toBe(
      nl.format(total(fromApi.map((s) => s.latest_plan?.target_leads_per_day))),
    );
    expect(await page.locator('[data-kpi="yesterday"]').textContent()).toBe(
      nl.format(total(fromApi.map((s) => s.overview.leads_yesterday))),
    );
    expect(await page.locator('table.segments').textContent()).toMatch(/€\s?\d/);
    await page.screenshot({ path: `${screenshots}overview.png` });

    await page.getByLabel('Branche').selectOption('warmtepomp');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('table.segments tbody tr')];
      return rows.length > 0 && rows.every((row) => row.dataset.segment?.startsWith('warmtepomp-'));
    });
    const rows = page.locator('table.segments tbody tr');
    expect(await rows.count()).toBe(fromApi.filter((s) => s.branch === 'warmtepomp').length);
    await page.close();
  });

  it('shows the branch × region grid of gap % with the API numbers', async () => {
    const page = await open('#/grid');
    await page.locator('table.grid').waitFor();
    const fromApi = await segmentsFromApi();
    const branches = new Set(fromApi.map((s) => s.branch));
    const regions = new Set(fromApi.map((s) => s.region));
    expect(await page.locator('table.grid tbody td').count()).toBe(branches.size * regions.size);
    const sample = fromApi.find((s) => s.latest_plan);
    if (!sample?.latest_plan) throw new Error('No planned segment.');
    const text = await page.locator(`td[data-cell="${sample.branch}|${sample.region}"]`).textContent();
    const gap = sample.latest_plan.lead_gap_percentage;
    expect(text).toBe(
      `${gap > 0 ? '+' : ''}${new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(gap)}%`,
    );
    await page.screenshot({ path: `${screenshots}grid.png` });
    await page.close();
  });

  it("draws a segment's charts and its decision log, each campaign budget of a decision under it", async () => {
    const [segment] = (await segmentsFromApi()).filter((s) => s.latest_plan);
    if (!segment) throw new Error('No planned segment.');
    // The night's decision as if the segment had a campaign in each of two accounts, one refused.
    const [logged] = await db.query<{ id: string }>(
      `select id from public.channel_orchestration_log where segment_id = $1 and date = '2026-11-24'`,
      [segment.id],
    );
    await db.query('delete from public.lfi_budget_changes where log_id = $1', [logged?.id]);
    await db.query(
      `insert into public.lfi_budget_changes (log_id, customer_id, campaign_id, budget_id, old_value, new_value, error_message)
       values ($1, '1234567890', '501', '7501', 30.00, 36.00, null),
              ($1, '9876543210', '502', '7502', 20.00, 24.00, 'BUDGET_IN_USE_BY_EXPERIMENT')`,
      [logged?.id],
    );
    const page = await open(`#/segment/${segment.id}`);
    await page.locator('.chart canvas').first().waitFor();
    const canvases = page.locator('.chart canvas');
    expect(await canvases.count()).toBeGreaterThanOrEqual(3);
    const box = await canvases.first().boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    // The legend shows the latest target as precisely as the card does, not rounded to whole leads.
    const target = segment.latest_plan?.target_leads_per_day ?? 0;
    expect(Number.isInteger(target)).toBe(false);
    const targetInLegend = page.locator('.chart').first().locator('.u-legend .u-series').nth(2);
    expect(await targetInLegend.locator('.u-value').textContent()).toBe(
      new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 2 }).format(target),
    );
    expect(await page.locator('table.decisions tbody tr').count()).toBeGreaterThan(0);
    const parts = page.locator('table.decisions ul.campaign-changes li');
    // Intl puts a no-break space after the euro sign.
    expect((await parts.allTextContents()).map((text) => text.replace(/\s/g, ' '))).toEqual([
      'campagne 501 (account 1234567890): € 30,00 → € 36,00',
      'campagne 502 (account 9876543210): € 20,00 → € 24,00 (mislukt)',
    ]);
    expect(await page.locator('table.decisions ul.campaign-changes li.failed').count()).toBe(1);
    await page.screenshot({ path: `${screenshots}segment.png`, fullPage: true });
    await page.close();
  });

  it("sets a target override in the page, which the next nightly run's plan uses", async () => {
    const [segment] = (await segmentsFromApi()).filter((s) => s.latest_plan);
    if (!segment) throw new Error('No planned segment.');
    const page = await open(`#/segment/${segment.id}`);
    const form = page.locator('form.override-form');
    await form.getByLabel('Leads per dag').fill('77');
    await form.getByLabel('Geldig vanaf').fill('2026-11-24');
    await form.getByLabel('Reden').fill('Actieweek dakgoten');
    await form.getByRole('button', { name: 'Doel instellen' }).click();
    await confirm(page);
    await page.close();

    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    const [plan] = await db.query<{ target_leads_per_day: number; target_source: string }>(
      `select target_leads_per_day::float8 as target_leads_per_day, target_source from public.lead_segment_plans where segment_id = $1 and date = '2026-11-24'`,
      [segment.id],
    );
    expect(plan).toEqual({ target_leads_per_day: 77, target_source: 'override' });
  });

  it('pauses a segment in the page, after which the next run leaves its budget alone', async () => {
    const [segment] = (await segmentsFromApi()).filter((s) => s.latest_plan);
    if (!segment) throw new Error('No planned segment.');
    const page = await open(`#/segment/${segment.id}`);
    await page.getByRole('button', { name: 'Pauzeren' }).click();
    await confirm(page);
    await page.getByRole('button', { name: 'Hervatten' }).waitFor();
    await page.close();

    // The next night: the morning of the 26th, the run for the 25th.
    now = new Date('2026-11-26T10:00:00Z');
    const next = await runNightlyLocally(runtime, { date: '2026-11-25' });
    now = new Date('2026-11-25T10:00:00Z');
    expect(next.status).toBe('SUCCEEDED');
    const [decision] = await db.query<{ old_value: string; new_value: string; explanation: string }>(
      `select old_value::text, new_value::text, explanation from public.channel_orchestration_log
        where segment_id = $1 and date = '2026-11-25' and status <> 'dry_run'`,
      [segment.id],
    );
    expect(decision?.old_value).toBe(decision?.new_value);
    expect(decision?.explanation).toMatch(/paused/i);
  });

  it('shows the run status and turns the kill switch on and off with confirmation', async () => {
    const page = await open('#/status');
    await page.locator('table.runs').waitFor();
    expect(await page.locator('table.runs tbody tr').count()).toBeGreaterThanOrEqual(3);
    // Every count a step records has its words in both languages (not the key as a fallback).
    const keys = await db.query<{ key: string }>(
      'select distinct jsonb_object_keys(counts) as key from public.lfi_runs order by 1',
    );
    expect(keys.length).toBeGreaterThan(10);
    for (const language of ['nl', 'en'] as const)
      expect(keys.map((k) => k.key).filter((key) => !(key in dictionaries[language].countNames))).toEqual([]);
    await page.getByRole('button', { name: 'Noodstop aanzetten' }).click();
    await confirm(page);
    await page.getByRole('button', { name: 'Noodstop uitzetten' }).waitFor();
    expect(await page.locator('#kill-switch-badge').textContent()).toMatch(/AAN/);
    await page.screenshot({ path: `${screenshots}status.png` });
    await page.getByRole('button', { name: 'Noodstop uitzetten' }).click();
    await confirm(page);
    await page.getByRole('button', { name: 'Noodstop aanzetten' }).waitFor();
    await page.close();
  });

  it('lists the gap alerts under Meldingen in Dutch, each linking to its segment', async () => {
    const [segment] = (await segmentsFromApi()).filter((s) => s.latest_plan);
    if (!segment) throw new Error('No planned segment.');
    await db.query(
      `insert into public.lfi_gap_episodes (segment_id, started_on, raised_on, last_seen_on, threshold_percentage,
         threshold_days, gap_percentage, peak_gap_percentage, explanation, alerted_at)
       values ($1, '2026-11-22', '2026-11-24', '2026-11-24', 30, 3, 42.5, 55, 'too few leads', now())`,
      [segment.id],
    );
    const page = await open('#/alerts');
    const row = page.locator('table.alerts tbody tr').first();
    await row.waitFor();
    expect(await page.locator('h2').textContent()).toBe('Meldingen');
    expect(await row.textContent()).toContain(
      `${segment.code}: te weinig leads, gap +42,5% sinds 22 nov 2026, 3 dagen of langer buiten ±30%`,
    );
    expect(await row.locator('.status').textContent()).toBe('open');
    await row.getByRole('link', { name: segment.name }).click();
    await page.locator('.chart canvas').first().waitFor();
    expect(page.url()).toContain(`#/segment/${segment.id}`);
    await page.close();
  });

  it('works from the keyboard and has no serious accessibility violations (axe)', async () => {
    const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/`);
    await page.locator('table.segments tbody tr').first().waitFor();

    // Keyboard: tab to the first segment link and open it with Enter.
    let reached = false;
    for (let i = 0; i < 30 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.closest('table.segments tbody') !== null);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('.chart canvas').first().waitFor();
    expect(page.url()).toContain('#/segment/');

    for (const hash of ['#/', '#/grid', page.url().slice(page.url().indexOf('#')), '#/status', '#/alerts']) {
      await page.goto(`${server.url}/${hash}`);
      await page.locator('main section').first().waitFor();
      await page.evaluate(axe);
      const violations = await page.evaluate(async () => {
        const result = await (
          window as unknown as {
            axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> };
          }
        ).axe.run();
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id}: ${JSON.stringify((v as unknown as { nodes: { target: unknown; failureSummary: string }[] }).nodes.slice(0, 3).map((n) => [n.target, n.failureSummary]))}`,
          );
      });
      expect({ hash, violations }).toEqual({ hash, violations: [] });
    }
    await context.close();
  });

  it('fits a phone screen on every view', async () => {
    const [segment] = (await segmentsFromApi()).filter((s) => s.latest_plan);
    if (!segment) throw new Error('No planned segment.');
    const views = [
      ['overview', '#/', 'table.segments tbody tr'],
      ['grid', '#/grid', 'table.grid'],
      ['segment', `#/segment/${segment.id}`, '.chart canvas'],
      ['status', '#/status', 'table.runs'],
      ['alerts', '#/alerts', 'main section h2'],
    ] as const;
    for (const [name, hash, ready] of views) {
      const page = await open(hash, { width: 375, height: 812 });
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
      await page.screenshot({ path: `${screenshots}${name}-phone.png`, fullPage: name !== 'overview' });
      await page.close();
    }
  });

  it('shows loading, then an error with a retry that recovers, and an empty market as such', async () => {
    const page = await open('#/');
    await page.locator('table.segments').waitFor();
    const segmentList = (url: URL) => url.pathname === '/api/lead-segments';
    // Hold the next segment list, then fail it: the page says it is loading, then what went wrong.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(segmentList, async (route) => {
      await held;
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'Database niet bereikbaar.' } }),
      });
    });
    await page.goto(`${server.url}/#/grid`);
    await page.locator('main .state.loading').waitFor();
    release();
    const error = page.locator('main .state.error[role="alert"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('Database niet bereikbaar.');

    await page.unroute(segmentList);
    await error.getByRole('button', { name: 'Opnieuw proberen' }).click();
    await page.locator('table.grid').waitFor();

    await page.route(segmentList, (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ items: [], page: { limit: 200, offset: 0, total: 0 } }),
      }),
    );
    await page.goto(`${server.url}/#/`);
    expect(await page.locator('main .state.empty').textContent()).toMatch(/Nog geen segmenten/);
    await page.close();
  });

  it('ships under 300 KB of JavaScript gzipped, all of it served by the project', async () => {
    const files = await buildDashboard();
    const scripts = [...files].filter(([name]) => name.endsWith('.js'));
    const gzipped = scripts.reduce((sum, [, file]) => sum + gzipSync(file.body).length, 0);
    expect(gzipped).toBeLessThan(300 * 1024);
    const html = new TextDecoder().decode(files.get('index.html')?.body);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
