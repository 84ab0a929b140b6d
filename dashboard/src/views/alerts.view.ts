import { h } from '../dom.ts';
import { day, percent } from '../format.ts';
import { fill } from '../i18n.ts';
import { dataTable, page } from '../page.ts';
import type { GapEpisode } from '../types.ts';

/**
 * Meldingen: the gap alerts, open ones first. Each says which way the segment is off and since
 * when, and links to the segment's page, as the alert itself does.
 */
export async function alertsView(): Promise<HTMLElement> {
  const { t, language, api } = page;
  const { items } = await api.get<{ items: GapEpisode[] }>('/api/alerts/gap-episodes?limit=200');
  const rule = items[0];
  const sentence = (e: GapEpisode) =>
    fill(e.gap_percentage > 0 ? t.alertTooFew : t.alertTooMany, {
      segment: e.segment_code,
      gap: percent(e.gap_percentage, language),
      since: day(e.started_on, language),
      days: e.threshold_days,
      percent: e.threshold_percentage,
    });
  return h(
    'section',
    { 'aria-labelledby': 'alerts-title' },
    h('h2', { id: 'alerts-title' }, t.alerts),
    rule
      ? h('p', {}, fill(t.alertsIntro, { days: rule.threshold_days, percent: rule.threshold_percentage }))
      : null,
    dataTable(
      'alerts',
      [
        t.segment,
        t.outcome,
        t.alertSince,
        t.alertRaised,
        t.alertClosedOn,
        t.alertGapNow,
        t.alertPeak,
        t.alertMessage,
      ],
      items.map((e) =>
        h(
          'tr',
          { 'data-episode': e.id },
          h('th', { scope: 'row' }, h('a', { href: `#/segment/${e.segment_id}` }, e.segment_name)),
          h(
            'td',
            {},
            h('span', { class: `status ${e.status}` }, e.status === 'open' ? t.alertOpen : t.alertClosed),
          ),
          h('td', {}, day(e.started_on, language)),
          h('td', {}, day(e.raised_on, language)),
          h('td', {}, e.closed_on ? day(e.closed_on, language) : '—'),
          h('td', {}, percent(e.gap_percentage, language)),
          h('td', {}, percent(e.peak_gap_percentage, language)),
          h(
            'td',
            { class: 'explanation' },
            sentence(e),
            e.closed_on ? ` — ${fill(t.alertRecovered, { date: day(e.closed_on, language) })}` : '',
            e.alerted_at === null && e.status === 'open' ? h('span', { class: 'tag' }, t.alertUnsent) : null,
          ),
        ),
      ),
      t.noAlerts,
      t.alerts,
    ),
  );
}
