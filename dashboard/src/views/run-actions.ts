import { announce, confirmDialog, h } from '../dom.ts';
import { day, parseInputDate } from '../format.ts';
import { fill } from '../i18n.ts';
import { messageOf, page, term } from '../page.ts';
import type { RestoreResult, StartedRun } from '../types.ts';

// The last restore's outcome per segment, shown again after the view is drawn anew.
let lastRestore: RestoreResult | undefined;

/** Asks, then does the work and says what it did (or the API's sentence why not), and redraws. */
async function perform(question: string, work: () => Promise<string>): Promise<void> {
  const { t } = page;
  if (!(await confirmDialog(question, { confirm: t.confirm, cancel: t.cancel }))) return;
  try {
    const message = await work();
    await page.rerender();
    announce(message);
  } catch (error) {
    announce(`${t.errorPrefix}: ${messageOf(error)}`, 'error');
  }
}

/**
 * Nachtrun buiten het schema: "Gisteren nu draaien" starts the nightly run for yesterday through
 * the API (the same path as the schedule), and a night's budget changes can be put back.
 */
export function runActions(): HTMLElement {
  const { t, api, language } = page;
  const runNow = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      'data-action': 'run-now',
      onClick: () =>
        void perform(t.confirmRunNow, async () => {
          const run = await api.post<StartedRun>('/api/orchestration/runs');
          return fill(t.runStarted, { date: day(run.date, language), execution: run.execution_id });
        }),
    },
    t.runNow,
  );
  const restoreForm = h(
    'form',
    {
      class: 'restore-form',
      onSubmit: (event: Event) => {
        event.preventDefault();
        const form = event.target as HTMLFormElement;
        const data = new FormData(form);
        const field = form.elements.namedItem('date') as HTMLInputElement;
        const date = parseInputDate(String(data.get('date') ?? ''));
        field.setCustomValidity(date === null ? t.invalidDate : '');
        if (!form.reportValidity() || date === null) return;
        const dryRun = data.get('dry_run') === 'on';
        const shown = day(date, language);
        void perform(fill(dryRun ? t.confirmRestoreDry : t.confirmRestore, { date: shown }), async () => {
          const result = await api.post<RestoreResult>('/api/orchestration/restores', {
            date,
            dry_run: dryRun,
          });
          lastRestore = result;
          return fill(result.dry_run ? t.restoreDryDone : t.restoreDone, {
            date: shown,
            restored: result.restored,
            skipped: result.skipped,
            failed: result.failed,
          });
        });
      },
    },
    h(
      'label',
      {},
      t.restoreDate,
      h('input', {
        name: 'date',
        type: 'text',
        inputmode: 'numeric',
        autocomplete: 'off',
        placeholder: t.datePlaceholder,
        required: true,
        maxlength: 10,
        onInput: (event: Event) => (event.target as HTMLInputElement).setCustomValidity(''),
      }),
    ),
    h(
      'label',
      { class: 'check' },
      h('input', { name: 'dry_run', type: 'checkbox' }),
      h('span', {}, t.restoreDryRun),
    ),
    h('button', { type: 'submit', class: 'secondary' }, t.restore),
  );
  return h(
    'section',
    { class: 'card run-actions', 'aria-labelledby': 'run-actions-title' },
    h('h3', { id: 'run-actions-title' }, t.runNowTitle),
    h('p', {}, t.runNowExplained),
    runNow,
    h('h3', {}, t.restoreTitle),
    h('p', {}, t.restoreExplained),
    restoreForm,
    lastRestore && lastRestore.segments.length > 0
      ? h(
          'ul',
          { class: 'restore-outcome' },
          ...lastRestore.segments.map((s) =>
            h(
              'li',
              { 'data-segment': s.code },
              `${s.code}: ${term(s.status)} — ${s.error_message ? `${s.explanation} (${s.error_message})` : s.explanation}`,
            ),
          ),
        )
      : null,
  );
}
