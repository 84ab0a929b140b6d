import { h } from '../dom.ts';
import { day, moment, number } from '../format.ts';
import { act, dataTable, page, refreshKillSwitch, term } from '../page.ts';
import type { Status } from '../types.ts';

/** Nachtrun: the kill switch, the runs of each step, and failures with their error. */
export async function statusView(): Promise<HTMLElement> {
  const { t, language, api } = page;
  const [status] = await Promise.all([api.get<Status>('/api/orchestration/status'), refreshKillSwitch()]);
  const enabled = status.kill_switch.enabled;
  return h(
    'section',
    { 'aria-labelledby': 'status-title' },
    h('h2', { id: 'status-title' }, t.status),
    h(
      'div',
      { class: `card kill ${enabled ? 'danger' : ''}` },
      h('p', {}, h('strong', {}, t.killSwitch), ' ', enabled ? t.killSwitchOnShort : t.killSwitchOffShort),
      h(
        'button',
        {
          type: 'button',
          class: enabled ? 'primary' : 'danger',
          onClick: () =>
            void act(enabled ? t.confirmKillOff : t.confirmKillOn, () =>
              api.put('/api/orchestration/kill-switch', { enabled: !enabled }),
            ),
        },
        enabled ? t.turnOff : t.turnOn,
      ),
    ),
    dataTable(
      'runs',
      [t.step, t.runDate, t.outcome, t.finished, t.counts],
      [...status.steps]
        .sort((a, b) => stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step))
        .map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, term(s.step)),
            h('td', {}, day(s.run_date, language)),
            h(
              'td',
              {},
              h('span', { class: `status ${s.status}` }, term(s.status)),
              s.error_message ? ` — ${s.error_message}` : '',
            ),
            h('td', {}, moment(s.finished_at, language)),
            h(
              'td',
              { class: 'counts' },
              ...countEntries(s.counts).map(([k, v]) => {
                const name = t.countNames[k] ?? k.replaceAll('_', ' ');
                // "van 19 nov 2026" but "57 segmenten": dates read best after their word.
                return isDay(v)
                  ? h('span', { class: 'count' }, `${name} `, h('b', {}, day(v, language)))
                  : h('span', { class: 'count' }, h('b', {}, countValue(v)), ` ${name}`);
              }),
            ),
          ),
        ),
      t.noRuns,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'failures-title' },
      h('h3', { id: 'failures-title' }, t.failures),
      status.failures.runs.length + status.failures.decisions.length === 0
        ? h('p', {}, t.noFailures)
        : h(
            'ul',
            {},
            ...status.failures.runs.map((r) =>
              h('li', {}, `${day(r.run_date, language)} · ${term(r.step)}: ${r.error_message ?? ''}`),
            ),
            ...status.failures.decisions.map((d) =>
              h(
                'li',
                {},
                `${day(d.date, language)} · ${d.segment_code}: ${d.error_message ?? d.explanation}`,
              ),
            ),
          ),
    ),
  );
}

/** The pipeline's steps in the order they run. */
const stepOrder = ['aggregate', 'plan', 'orchestrate', 'pipeline'];

const isDay = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A run's counts with its date window first ("from" before "to"), then the numbers. */
function countEntries(counts: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(counts);
  return [
    ...entries.filter(([, v]) => isDay(v)).sort(([a], [b]) => a.localeCompare(b)),
    ...entries.filter(([, v]) => !isDay(v)),
  ];
}

/** A run count in the page's locale. */
function countValue(value: unknown): string {
  const { language } = page;
  if (typeof value === 'number') return number(value, language);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
