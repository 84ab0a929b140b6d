import { h } from '../dom.ts';
import { day, moment, number } from '../format.ts';
import { fill } from '../i18n.ts';
import { act, dataTable, page, refreshKillSwitch, term } from '../page.ts';
import type { Run, Status } from '../types.ts';
import { runActions } from './run-actions.ts';

/** Nachtrun: the kill switch, the runs of each step, and failures with their error. */
export async function statusView(): Promise<HTMLElement> {
  const { t, language, api } = page;
  const [status, runs] = await Promise.all([
    api.get<Status>('/api/orchestration/status'),
    api.get<{ items: Run[] }>('/api/orchestration/runs?limit=200'),
  ]);
  await refreshKillSwitch(status.kill_switch);
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
    runActions(),
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
              { class: 'outcome' },
              h('span', { class: `status ${s.status}` }, term(s.status)),
              s.error_message ? h('span', { class: 'error-text' }, ` — ${s.error_message}`) : '',
            ),
            h('td', {}, moment(s.finished_at, language)),
            h('td', { class: 'counts' }, ...countParts(s.counts)),
          ),
        ),
      t.noRuns,
    ),
    runHistory(runs.items),
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

/**
 * Every run of every step, newest first: its date, outcome, counts and who started it. For
 * Orchestrate it says what the run did, so a rerun that found everything decided reads as such
 * and the night that changed budgets stays visible beside it.
 */
function runHistory(runs: readonly Run[]): HTMLElement {
  const { t, language } = page;
  const effect = (run: Run): string => {
    if (run.decisions_recorded === null || run.status !== 'succeeded') return '';
    if (run.decisions_recorded === 0) return t.noOpRerun;
    return fill(t.acted, {
      decisions: number(run.decisions_recorded, language),
      changed: number(run.budgets_changed ?? 0, language),
    });
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h3', { id: 'history-title' }, t.runHistory),
    dataTable(
      'run-history',
      [t.runDate, t.step, t.outcome, t.effect, t.started, t.startedBy, t.counts],
      runs.map((run) =>
        h(
          'tr',
          { 'data-run': run.run_id },
          h('td', {}, day(run.run_date, language)),
          h(
            'th',
            { scope: 'row' },
            term(run.step),
            run.dry_run ? h('span', { class: 'tag' }, t.dryRun) : null,
          ),
          h(
            'td',
            { class: 'outcome' },
            h('span', { class: `status ${run.status}` }, term(run.status)),
            run.error_message ? h('span', { class: 'error-text' }, ` — ${run.error_message}`) : '',
          ),
          h('td', { 'data-field': 'effect' }, effect(run)),
          h('td', {}, moment(run.started_at, language)),
          h('td', { 'data-field': 'started-by' }, run.started_by ?? t.schedule),
          h('td', { class: 'counts' }, ...countParts(run.counts)),
        ),
      ),
      t.noRuns,
      t.runHistory,
    ),
  );
}

/** A run's counts as "57 segmenten", "van 19 nov 2026": dates read best after their word. */
function countParts(counts: Record<string, unknown>): HTMLElement[] {
  const { t, language } = page;
  return countEntries(counts).map(([k, v]) => {
    const name = t.countNames[k] ?? k.replaceAll('_', ' ');
    return isDay(v)
      ? h('span', { class: 'count' }, `${name} `, h('b', {}, day(v, language)))
      : h('span', { class: 'count' }, h('b', {}, countValue(v)), ` ${name}`);
  });
}
