import {
  type ReasonCode,
  type ReasonParams,
  reasonCodes,
  renderReason,
} from '../../shared/domain/decision-reason.ts';
import type { Api, Auth } from './api.ts';
import { announce, confirmDialog, h } from './dom.ts';
import { day, number, reasonFormat } from './format.ts';
import { dictionaries, fill, type Language, type Words } from './i18n.ts';
import type { Decision, KillSwitch, Segment, SegmentList } from './types.ts';

/**
 * What every view shares: the page's language and words, the API client, and a way to show the
 * current route again. Views read it; only main.ts sets it.
 */
export const page: {
  language: Language;
  t: Words;
  api: Api;
  auth: Auth;
  /** Renders the current route again (after a change, or a new language). */
  rerender: () => Promise<void>;
} = {
  language: localStorage.getItem('lfi-language') === 'en' ? 'en' : 'nl',
  t: dictionaries.nl,
  api: undefined as unknown as Api,
  auth: undefined as unknown as Auth,
  rerender: async () => {},
};
page.t = dictionaries[page.language];

export const main = () => document.getElementById('main') as HTMLElement;

/** A table that scrolls sideways on a narrow screen, or the empty state when it has no rows. */
export function dataTable(
  name: string,
  headings: readonly (string | HTMLElement)[],
  rows: readonly HTMLElement[],
  empty: string,
  /** A table that may scroll sideways is a region the keyboard can reach and scroll. */
  scrollLabel?: string,
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'state empty' }, empty);
  return h(
    'div',
    {
      class: 'table-wrap',
      ...(scrollLabel ? { role: 'region', 'aria-label': scrollLabel, tabindex: 0 } : {}),
    },
    h(
      'table',
      { class: name },
      h(
        'thead',
        {},
        h('tr', {}, ...headings.map((c) => (typeof c === 'string' ? h('th', { scope: 'col' }, c) : c))),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The view's title with the one business day everything on it is for. */
export function viewHead(id: string, title: string, asOf: string | undefined, ...extra: HTMLElement[]) {
  return h('div', { class: 'view-head' }, h('h2', { id }, title), asOf ? asOfLine(asOf) : null, ...extra);
}

/** "Stand per 24 nov 2026": the one business day a page's numbers are for. */
export function asOfLine(asOf: string): HTMLElement {
  const { t, language } = page;
  return h('p', { class: 'as-of', 'data-as-of': asOf }, fill(t.asOf, { date: day(asOf, language) }));
}

/** One key number: a dt/dd pair kept together for the grid layout; `data` marks the dd. */
export function kpi(term: string, value: string, data: Record<string, string> = {}, tone = ''): HTMLElement {
  return h('div', { class: `kpi ${tone}` }, h('dt', {}, term), h('dd', data, value));
}

/** Asks first; then does the work, says so and shows the new state, or says what went wrong. */
export async function act(message: string, work: () => Promise<unknown>): Promise<void> {
  const { t } = page;
  if (!(await confirmDialog(message, { confirm: t.confirm, cancel: t.cancel }))) return;
  try {
    await work();
    announce(t.done);
    await page.rerender();
  } catch (error) {
    announce(`${t.errorPrefix}: ${messageOf(error)}`, 'error');
  }
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A status or step name in the page's language (unknown ones as they are). */
export const term = (name: string) => page.t.terms[name] ?? name;

/** The kill-switch badge in the header, from the small kill-switch read (or a status already read). */
export async function refreshKillSwitch(known?: KillSwitch): Promise<KillSwitch> {
  const { t, api } = page;
  const killSwitch = known ?? (await api.get<KillSwitch>('/api/orchestration/kill-switch'));
  const badge = document.getElementById('kill-switch-badge');
  if (badge) {
    badge.textContent = killSwitch.enabled ? t.killSwitchOn : t.killSwitchOff;
    badge.className = `badge ${killSwitch.enabled ? 'danger' : 'calm'}`;
  }
  return killSwitch;
}

/** Every segment, page by page (the overview and the grid need them all), and the day they describe. */
export async function loadSegments(): Promise<{ segments: Segment[]; asOf: string | undefined }> {
  const all: Segment[] = [];
  let asOf: string | undefined;
  for (let offset = 0; ; offset += 200) {
    const result = await page.api.get<SegmentList>(`/api/lead-segments?limit=200&offset=${offset}`);
    asOf ??= result.as_of;
    all.push(...result.items);
    if (all.length >= result.page.total || result.items.length === 0) return { segments: all, asOf };
  }
}

/** A decision's reason in the page's language; rows logged before reasons were data keep their line. */
export function reasonText(
  decision: Pick<Decision, 'reason_code' | 'reason_params' | 'explanation'>,
): string {
  if (!decision.reason_code || !(reasonCodes as readonly string[]).includes(decision.reason_code))
    return decision.explanation;
  return renderReason(
    { code: decision.reason_code as ReasonCode, params: decision.reason_params as ReasonParams },
    page.t.reasons,
    reasonFormat(page.language),
  );
}

/** The budget the ads account holds as of the page's day, else the plan's last record of it. */
export const currentBudget = (segment: Segment): string | null =>
  segment.overview.current_budget?.amount ?? segment.latest_plan?.actual_daily_budget_google_ads ?? null;

/** A count in the page's locale. */
export const count = (value: number | null | undefined) => number(value, page.language);
