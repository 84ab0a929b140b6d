import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/business-day.ts';
import {
  type GapAlertSettings,
  type GapEpisodeChange,
  gapAlertSettingsSchema,
  type OpenGapEpisode,
  type PlannedGap,
  type SegmentGapHistory,
  trackGapEpisodes,
} from '../../../shared/domain/gap-alerts.ts';

const settings: GapAlertSettings = { gapPercent: 30, days: 3 };
const date = '2026-11-24';

/** Plans ending on `date`, the last gap first in `gaps`' order reversed (oldest first). */
const plansOf = (gaps: readonly number[], end = date): PlannedGap[] =>
  gaps.map((gapPercentage, index) => ({
    date: addDays(end, index - gaps.length + 1),
    gapPercentage,
    targetLeadsPerDay: 10,
    leadGap: gapPercentage / 10,
  }));

const segment = (gaps: readonly number[], overrides: Partial<SegmentGapHistory> = {}): SegmentGapHistory => ({
  segmentId: 's1',
  code: 'schilder-utrecht',
  plans: plansOf(gaps),
  open: null,
  latestEpisodeDay: null,
  ...overrides,
});

const open: OpenGapEpisode = { id: 'e1', startedOn: '2026-11-20', peakGapPercentage: 45 };

describe('trackGapEpisodes', () => {
  it('opens one episode on the Nth consecutive day beyond the threshold, with a one-line explanation', () => {
    expect(trackGapEpisodes(date, [segment([40, -35, 50])], settings)).toEqual([
      {
        kind: 'open',
        segmentId: 's1',
        startedOn: '2026-11-22',
        gapPercentage: 50,
        peakGapPercentage: 50,
        explanation:
          'schilder-utrecht: too few leads, gap +50.0% (recent average 5.00 against a target of 10.00 leads a day) beyond ±30% for 3 days in a row since 2026-11-22.',
      },
    ]);
  });

  it('says too many leads for a negative gap', () => {
    const [change] = trackGapEpisodes(date, [segment([-60, -60, -80])], settings);
    expect(change?.kind === 'open' && change.explanation).toMatch(
      /^schilder-utrecht: too many leads, gap -80\.0%/,
    );
    expect(change?.kind === 'open' && change.peakGapPercentage).toBe(-80);
  });

  it('says leads without partner capacity for a target of 0, not a gap of −100%', () => {
    const none = segment([-100, -100, -100], {
      plans: plansOf([-100, -100, -100]).map((plan) => ({ ...plan, targetLeadsPerDay: 0, leadGap: -0.57 })),
    });
    const [change] = trackGapEpisodes(date, [none], settings);
    expect(change?.kind === 'open' && change.explanation).toBe(
      'schilder-utrecht: leads without partner capacity (recent average 0.57 a day against a target of 0) for 3 days in a row since 2026-11-22.',
    );
  });

  it('opens nothing before N days, nor with a gap exactly at the threshold, nor with a day missing', () => {
    expect(trackGapEpisodes(date, [segment([40, 50])], settings)).toEqual([]);
    expect(trackGapEpisodes(date, [segment([40, 30, 50])], settings)).toEqual([]);
    const gapDay = segment([40, 40, 40]);
    const withHole = { ...gapDay, plans: gapDay.plans.filter((p) => p.date !== addDays(date, -1)) };
    expect(trackGapEpisodes(date, [withHole], settings)).toEqual([]);
  });

  it('keeps an open episode open while the gap stays large, raising no second alert', () => {
    expect(trackGapEpisodes(date, [segment([40, 40, -70], { open })], settings)).toEqual([
      { kind: 'continue', id: 'e1', segmentId: 's1', gapPercentage: -70, peakGapPercentage: -70 },
    ]);
  });

  it('closes the episode on the first day back within the threshold', () => {
    expect(trackGapEpisodes(date, [segment([40, 40, 12.5], { open })], settings)).toEqual([
      {
        kind: 'close',
        id: 'e1',
        segmentId: 's1',
        gapPercentage: 12.5,
        explanation:
          'schilder-utrecht: gap back to +12.5% on 2026-11-24, within ±30% (large since 2026-11-20).',
      },
    ]);
  });

  it('changes nothing for a segment without a plan on the date, or for a date before its latest episode day', () => {
    expect(trackGapEpisodes(date, [{ ...segment([]), open }], settings)).toEqual([]);
    expect(
      trackGapEpisodes(date, [segment([10, 10, 10], { open, latestEpisodeDay: '2026-11-25' })], settings),
    ).toEqual([]);
  });

  it('refuses thresholds that make no sense', () => {
    expect(gapAlertSettingsSchema.safeParse({ gapPercent: 0 }).success).toBe(false);
    expect(gapAlertSettingsSchema.safeParse({ days: 0 }).success).toBe(false);
    expect(gapAlertSettingsSchema.safeParse({ gapPercent: 30, extra: 1 }).success).toBe(false);
    expect(gapAlertSettingsSchema.parse({})).toEqual({ gapPercent: 30, days: 3 });
  });

  it('over any series of nights, opens exactly one episode per run of ≥ N large gaps and closes it when the run ends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -200, max: 200 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (gaps, days) => {
          const rule = { gapPercent: 30, days };
          const start = '2026-10-01';
          const all = plansOf(gaps, addDays(start, gaps.length - 1));
          let episode: OpenGapEpisode | null = null;
          const changes: GapEpisodeChange[] = [];
          all.forEach((plan, index) => {
            const history = all.slice(Math.max(0, index - days + 1), index + 1);
            const [change] = trackGapEpisodes(
              plan.date,
              [segment([], { plans: history, open: episode })],
              rule,
            );
            if (!change) return;
            changes.push(change);
            if (change.kind === 'open')
              episode = {
                id: `e${index}`,
                startedOn: change.startedOn,
                peakGapPercentage: change.peakGapPercentage,
              };
            if (change.kind === 'close') episode = null;
          });
          // Expected: runs of consecutive |gap| > 30 of length ≥ N, from the gaps alone.
          let expectedOpens = 0;
          let expectedCloses = 0;
          let run = 0;
          for (const gap of gaps) {
            if (Math.abs(gap) > 30) {
              run += 1;
              if (run === days) expectedOpens += 1;
            } else {
              if (run >= days) expectedCloses += 1;
              run = 0;
            }
          }
          expect(changes.filter((c) => c.kind === 'open')).toHaveLength(expectedOpens);
          expect(changes.filter((c) => c.kind === 'close')).toHaveLength(expectedCloses);
        },
      ),
    );
  });
});
