import { mkdir, readFile } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNightlyLocally } from '../../../cli/local-state-machine.ts';
import { createSimulatedMarket } from '../../../shared/ads/simulated-market.ts';
import { type LocalServer, startLocalServer } from '../../../shared/api/local-server.ts';
import { loadConfig } from '../../../shared/config/config.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadDemo } from '../../../shared/demo/load-demo.ts';
import { silentLogger } from '../../../shared/runtime/logger.ts';
import { createRuntime } from '../../../shared/runtime/runtime.ts';
import { chromiumArgs, screenshotsDir } from '../../support/browser.ts';
import { databaseLanes } from '../../support/databases.ts';

// The dashboard tells one story per page: one business day, the budget the account holds, reasons
// in the page's language, every run, exports, and a layout that keeps what matters in view. A real
// browser on the page `lfi serve` serves, over demo data with one night and a rerun of it that
// found everything decided. Screenshots go to tests/.output (untracked), at desktop and phone width.
const clock = { now: () => new Date('2026-11-25T10:00:00Z') };
const shots = screenshotsDir('story');
// The browser the global setup found (null: none, and these tests are skipped).
const chromiumPath = inject('chromium');
const desktop = { width: 1280, height: 800 };
const phone = { width: 375, height: 812 };
const longError = `relation "public.lfi_aggregate_window_${'x'.repeat(180)}" does not exist: ${'SQLSTATE42P01/'.repeat(20)}`;

// biome-ignore lint/suspicious/noExplicitAny: API bodies are checked field by field by the assertions.
type Json = any;

const lane = databaseLanes[0];
if (!lane) throw new Error('No database lane.');

describe.skipIf(!chromiumPath)('the Growth Engine dashboard tells one story per page', () => {
  let db: SqlDatabase;
  let server: LocalServer;
  let browser: Browser;
  let segments: Json[];
  let asOf: string;

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    db = await lane.open();
    const market = createSimulatedMarket(db, { seed: 11 });
    await loadDemo(db, market, { days: 10, seed: 11, today: '2026-11-25' });
    const runtime = await createRuntime(loadConfig({}), { db, ads: market, clock, logger: silentLogger });
    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    // A rerun of the same night: every decision is taken already, so it changes nothing.
    expect((await runNightlyLocally(runtime, { date: '2026-11-24' })).status).toBe('SUCCEEDED');
    await db.query(
      `insert into public.lfi_runs (run_date, step, status, started_at, finished_at, error_message)
       values ('2026-11-23', 'aggregate', 'failed', '2026-11-24T00:00:00Z', '2026-11-24T00:00:05Z', $1)`,
      [longError],
    );
    server = await startLocalServer({ runtime, port: 0, settings: { readCacheMs: 0 } });
    browser = await chromium.launch({
      executablePath: chromiumPath ?? '',
      args: chromiumArgs,
    });
    const list = await api('/api/lead-segments?limit=200');
    segments = list.items;
    asOf = list.as_of;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  async function api(path: string): Promise<Json> {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    return response.json();
  }

  const open = async (hash: string, viewport = desktop): Promise<Page> => {
    const page = await browser.newPage({ viewport, locale: 'nl-NL', acceptDownloads: true });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${server.url}/${hash}`);
    return page;
  };
  const dutchDay = (iso: string) =>
    new Intl.DateTimeFormat('nl-NL', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${iso}T00:00:00Z`));
  const dutchEuros = (amount: string) =>
    new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' }).format(Number(amount));
  const planned = () => segments.find((s) => s.latest_plan && s.is_active) as Json;
  /** Whether an element lies inside the viewport's width (so on screen without scrolling sideways). */
  const inView = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth + 0.5;
      });

  it('shows one business day on the overview, with the budget the ads account holds', async () => {
    const page = await open('#/');
    await page.locator('table.segments tbody tr').first().waitFor();
    expect(await page.locator('.as-of').textContent()).toBe(`Stand per ${dutchDay(asOf)}`);
    expect(segments.every((s) => s.overview.as_of === asOf)).toBe(true);
    for (const segment of segments.filter((s) => s.overview.current_budget).slice(0, 8)) {
      const cell = page.locator(`tr[data-segment="${segment.code}"] [data-field="budget"]`);
      expect(await cell.textContent()).toBe(dutchEuros(segment.overview.current_budget.amount));
    }
    await page.screenshot({ path: `${shots}overview.png` });
    await page.close();
  });

  it("renders a segment's decision reasons in Dutch, and as the stored line in English", async () => {
    const segment = planned();
    const decisions = await api(`/api/lead-segments/${segment.id}/decisions?from=2026-11-01&to=${asOf}`);
    const [latest] = decisions.items;
    expect(latest.reason_code).toBeTypeOf('string');
    const page = await open(`#/segment/${segment.id}`);
    const explanation = page
      .locator('table.decisions tbody tr')
      .first()
      .locator('[data-field="explanation"]');
    await explanation.waitFor();
    const dutch = await explanation.textContent();
    expect(dutch).not.toBe(latest.explanation);
    expect(dutch).toMatch(/doel|geen wijziging|budget/i);
    expect(dutch).not.toMatch(/\btarget\b|\bleads\/day\b|no change/);
    expect(await page.locator('[data-field="budget"]').textContent()).toBe(
      dutchEuros(segment.overview.current_budget.amount),
    );
    expect(await page.locator('.as-of').textContent()).toBe(`Stand per ${dutchDay(asOf)}`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Decisions (orchestration log)' }).waitFor();
    expect(
      await page
        .locator('table.decisions tbody tr')
        .first()
        .locator('[data-field="explanation"]')
        .textContent(),
    ).toBe(latest.explanation);
    await page.evaluate(() => localStorage.removeItem('lfi-language'));
    await page.close();
  });

  it('reads one segment and the kill switch alone, not every segment and the whole status', async () => {
    const segment = planned();
    const page = await browser.newPage({ viewport: desktop });
    const paths: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) paths.push(`${url.pathname}${url.search}`);
    });
    await page.goto(`${server.url}/#/segment/${segment.id}`);
    await page.locator('table.decisions').waitFor();
    expect(paths).toContain(`/api/lead-segments/${segment.id}`);
    expect(paths).toContain('/api/orchestration/kill-switch');
    expect(paths.filter((p) => p.startsWith('/api/lead-segments?'))).toEqual([]);
    expect(paths).not.toContain('/api/orchestration/status');
    paths.length = 0;
    await page.goto(`${server.url}/#/`);
    await page.locator('table.segments').waitFor();
    expect(paths).not.toContain('/api/orchestration/status');
    await page.close();
  });

  it('lists every run on the Nachtrun page and tells the no-op rerun from the night that acted', async () => {
    const runs = await api('/api/orchestration/runs?limit=200');
    const page = await open('#/status');
    const rows = page.locator('table.run-history tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(runs.items.length);
    const orchestrations = runs.items.filter(
      (r: Json) => r.step === 'orchestrate' && r.run_date === '2026-11-24',
    );
    expect(orchestrations).toHaveLength(2);
    const [rerun, night] = orchestrations;
    expect(rerun.decisions_recorded).toBe(0);
    expect(await page.locator(`tr[data-run="${rerun.run_id}"]`).textContent()).toMatch(
      /al besloten.*niets gewijzigd/i,
    );
    expect(await page.locator(`tr[data-run="${night.run_id}"]`).textContent()).toMatch(
      new RegExp(`${night.decisions_recorded} beslissingen`),
    );
    expect(await page.locator(`tr[data-run="${rerun.run_id}"] [data-field="started-by"]`).textContent()).toBe(
      'lfi',
    );
    await page.close();
  });

  it('wraps a long error on the Nachtrun page, so every column stays on screen', async () => {
    for (const [name, viewport] of [
      ['status', desktop],
      ['status-phone', phone],
    ] as const) {
      const page = await open('#/status', viewport);
      await page.locator('table.run-history tbody tr').first().waitFor();
      await page.locator('text=SQLSTATE42P01').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
      if (viewport === desktop) {
        expect(await inView(page, 'table.runs thead th:nth-child(4)')).toBe(true);
        expect(await inView(page, 'table.runs thead th:nth-child(5)')).toBe(true);
      }
      await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
      await page.close();
    }
  });

  it('keeps Gap % and Budget in view on a phone, and the explanation in the segment log', async () => {
    const page = await open('#/', phone);
    await page.locator('table.segments tbody tr').first().waitFor();
    expect(await inView(page, 'table.segments tbody tr [data-field="gap"]')).toBe(true);
    expect(await inView(page, 'table.segments tbody tr [data-field="budget"]')).toBe(true);
    await page.screenshot({ path: `${shots}overview-phone.png` });
    await page.goto(`${server.url}/#/segment/${planned().id}`);
    await page.locator('table.decisions tbody tr').first().waitFor();
    expect(await inView(page, 'table.decisions tbody tr [data-field="explanation"]')).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBe(0);
    await page.screenshot({ path: `${shots}segment-phone.png`, fullPage: true });
    await page.close();
  });

  it('writes dates as dd-mm-jjjj in the override form and sends them as ISO dates', async () => {
    const segment = planned();
    const page = await open(`#/segment/${segment.id}`);
    const from = page.locator('form.override-form').getByLabel('Geldig vanaf');
    expect(await from.getAttribute('type')).toBe('text');
    expect(await from.getAttribute('placeholder')).toBe('dd-mm-jjjj');
    const [y, m, d] = asOf.split('-');
    expect(await from.inputValue()).toBe(`${d}-${m}-${y}`);
    await page.locator('form.override-form').getByLabel('Leads per dag').fill('12');
    await from.fill('01-12-2026');
    await page.locator('form.override-form').getByLabel('Geldig tot (leeg: open)').fill('31-12-2026');
    await page.locator('form.override-form').getByLabel('Reden').fill('Decemberactie');
    await page.getByRole('button', { name: 'Doel instellen' }).click();
    await page.locator('dialog[open] button[data-confirm]').click();
    const toast = page.locator('#toast.ok');
    await toast.waitFor();
    const overrides = await api(`/api/lead-segments/${segment.id}/overrides`);
    expect(overrides.items[0]).toMatchObject({
      valid_from: '2026-12-01',
      valid_to: '2026-12-31',
      reason: 'Decemberactie',
    });
    // The toast sits in the page's flow: nothing of the content lies under it.
    await page.locator('table.decisions').waitFor();
    const covered = await page.evaluate(() => {
      const box = document.getElementById('toast')?.getBoundingClientRect();
      if (!box) return ['no toast'];
      return [...document.querySelectorAll('main *')]
        .filter((element) => {
          const r = element.getBoundingClientRect();
          return (
            r.width > 0 &&
            r.left < box.right &&
            r.right > box.left &&
            r.top < box.bottom &&
            r.bottom > box.top
          );
        })
        .map((element) => element.tagName);
    });
    expect(covered).toEqual([]);
    await page.close();
  });

  it('keeps keyboard focus on the filter in use and on the sort button across re-renders', async () => {
    const page = await open('#/');
    await page.locator('table.segments tbody tr').first().waitFor();
    const select = page.getByLabel('Branche');
    await select.focus();
    await page.evaluate(() => {
      (document.activeElement as HTMLElement & { marked?: boolean }).marked = true;
    });
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('table.segments tbody tr')];
      const value = (document.activeElement as HTMLSelectElement).value;
      return value !== '' && rows.every((row) => row.dataset.segment?.startsWith(`${value}-`));
    });
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement & { marked?: boolean }).marked),
    ).toBe(true);
    await page.getByRole('button', { name: 'Sorteer op Budget' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('th[aria-sort] button[aria-label="Sorteer op Budget"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Sorteer op Budget',
    );
    await page.close();
  });

  it('exports the overview, and a segment’s stats and decisions, as CSV', async () => {
    const page = await open('#/');
    await page.locator('table.segments tbody tr').first().waitFor();
    const csvOf = async (name: string) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name }).click(),
      ]);
      return (await readFile(await download.path(), 'utf8')).trim().split('\n');
    };
    const overview = await csvOf('Overzicht als CSV');
    expect(overview[0]).toContain('gap_percentage');
    expect(overview[0]).toContain('current_budget');
    expect(overview).toHaveLength(segments.length + 1);
    const segment = planned();
    await page.goto(`${server.url}/#/segment/${segment.id}`);
    await page.locator('table.decisions').waitFor();
    const stats = await api(`/api/lead-segments/${segment.id}/stats?from=2026-08-27&to=${asOf}`);
    const statsCsv = await csvOf('Cijfers als CSV');
    expect(statsCsv[0]?.split(',')).toContain('leads_generated');
    expect(statsCsv).toHaveLength(stats.items.length + 1);
    const decisionsCsv = await csvOf('Beslissingen als CSV');
    expect(decisionsCsv[0]?.split(',')).toEqual(
      expect.arrayContaining(['date', 'status', 'reason_code', 'explanation']),
    );
    expect(decisionsCsv.length).toBeGreaterThan(1);
    await page.close();
  });

  it('colours the Marktkaart on a clamped scale with separate under and over palettes, and labels inactive segments', async () => {
    const active = segments.filter((s) => s.latest_plan && s.is_active);
    const [far, over, under, inactive] = active;
    await db.query(
      `update public.lead_segment_plans p set lead_gap_percentage = v.gap
         from (values ($1::uuid, -600), ($2::uuid, -60), ($3::uuid, 80)) v(id, gap)
        where p.segment_id = v.id and p.date = $4`,
      [far.id, over.id, under.id, asOf],
    );
    await db.query('update public.lead_segments set is_active = false where id = $1', [inactive.id]);
    try {
      const page = await open('#/grid');
      await page.locator('table.grid').waitFor();
      const cell = (s: Json) => page.locator(`td[data-cell="${s.branch}|${s.region}"]`);
      const classOf = async (s: Json) => (await cell(s).getAttribute('class')) ?? '';
      expect(await classOf(far)).toContain('scale-over-5');
      expect(await classOf(over)).toContain('scale-over-3');
      expect(await classOf(under)).toContain('scale-under-4');
      expect(await cell(far).textContent()).toBe(
        `${new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(-600)}%`,
      );
      expect(await cell(inactive).textContent()).toContain('inactief');
      const legend = page.locator('.scale-legend li');
      expect(await legend.count()).toBe(10);
      expect(await page.locator('.scale-legend').textContent()).toContain('≤ −200%');
      await page.screenshot({ path: `${shots}grid.png` });
      await page.setViewportSize(phone);
      await page.screenshot({ path: `${shots}grid-phone.png`, fullPage: true });
      await page.goto(`${server.url}/#/`);
      await page.locator(`tr[data-segment="${inactive.code}"]`).waitFor();
      expect(await page.locator(`tr[data-segment="${inactive.code}"] th`).textContent()).toContain(
        'inactief',
      );
      await page.close();
    } finally {
      await db.query('update public.lead_segments set is_active = true where id = $1', [inactive.id]);
    }
  });
});
