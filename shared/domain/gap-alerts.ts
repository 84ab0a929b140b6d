import { z } from 'zod';
import { addDays, type IsoDate } from './business-day.ts';

/**
 * Gap alerts: a segment whose |gap %| (the plan's lead_gap_percentage, the gap the controller acts
 * on: target − the recent average) stays above a threshold for N consecutive days opens one
 * episode, alerted once; the first day back within the threshold closes it. Pure: the plan step
 * loads the history and stores what this decides.
 */
export const gapAlertSettingsSchema = z.strictObject({
  /** |gap %| strictly above this counts as a large gap. */
  gapPercent: z.number().gt(0).lte(10_000).default(30),
  /** Consecutive days of a large gap before an episode opens. */
  days: z.int().min(1).max(60).default(3),
});

export type GapAlertSettings = z.output<typeof gapAlertSettingsSchema>;
export const defaultGapAlertSettings: GapAlertSettings = gapAlertSettingsSchema.parse({});

export interface PlannedGap {
  readonly date: IsoDate;
  readonly gapPercentage: number;
  readonly targetLeadsPerDay: number;
  readonly leadGap: number;
}

export interface OpenGapEpisode {
  readonly id: string;
  readonly startedOn: IsoDate;
  readonly peakGapPercentage: number;
}

export interface SegmentGapHistory {
  readonly segmentId: string;
  readonly code: string;
  /** Its plans of the last `days` days up to the run's date, any order. */
  readonly plans: readonly PlannedGap[];
  readonly open: OpenGapEpisode | null;
  /** The latest day any of its episodes was seen or closed: a run for an earlier date leaves them alone. */
  readonly latestEpisodeDay: IsoDate | null;
}

export type GapEpisodeChange =
  | {
      readonly kind: 'open';
      readonly segmentId: string;
      readonly startedOn: IsoDate;
      readonly gapPercentage: number;
      readonly peakGapPercentage: number;
      readonly explanation: string;
    }
  | {
      readonly kind: 'continue';
      readonly id: string;
      readonly segmentId: string;
      readonly gapPercentage: number;
      readonly peakGapPercentage: number;
    }
  | {
      readonly kind: 'close';
      readonly id: string;
      readonly segmentId: string;
      readonly gapPercentage: number;
      readonly explanation: string;
    };

const exceeds = (gapPercentage: number, settings: GapAlertSettings) =>
  Math.abs(gapPercentage) > settings.gapPercent;

/** The larger in size of two gaps (a peak keeps its sign). */
const peakOf = (a: number, b: number) => (Math.abs(b) > Math.abs(a) ? b : a);

/**
 * What the run of `date` changes in each segment's gap episodes. A segment without a plan that
 * day changes nothing; nor does a run for a date before the segment's latest episode day (history
 * stays history: a re-run of an old date never closes or opens today's episode).
 */
export function trackGapEpisodes(
  date: IsoDate,
  segments: readonly SegmentGapHistory[],
  settings: GapAlertSettings,
): GapEpisodeChange[] {
  return segments.flatMap((segment): GapEpisodeChange[] => {
    if (segment.latestEpisodeDay !== null && date < segment.latestEpisodeDay) return [];
    const byDate = new Map(segment.plans.map((plan) => [plan.date, plan]));
    const today = byDate.get(date);
    if (!today) return [];
    const { open } = segment;
    if (open) {
      if (exceeds(today.gapPercentage, settings))
        return [
          {
            kind: 'continue',
            id: open.id,
            segmentId: segment.segmentId,
            gapPercentage: today.gapPercentage,
            peakGapPercentage: peakOf(open.peakGapPercentage, today.gapPercentage),
          },
        ];
      return [
        {
          kind: 'close',
          id: open.id,
          segmentId: segment.segmentId,
          gapPercentage: today.gapPercentage,
          explanation: `${segment.code}: gap back to ${signed(today.gapPercentage)} on ${date}, within ±${settings.gapPercent}% (large since ${open.startedOn}).`,
        },
      ];
    }
    const streak: PlannedGap[] = [];
    for (let day = 0; day < settings.days; day++) {
      const plan = byDate.get(addDays(date, -day));
      if (!plan || !exceeds(plan.gapPercentage, settings)) return [];
      streak.push(plan);
    }
    const startedOn = addDays(date, 1 - settings.days);
    return [
      {
        kind: 'open',
        segmentId: segment.segmentId,
        startedOn,
        gapPercentage: today.gapPercentage,
        peakGapPercentage: streak.reduce((peak, plan) => peakOf(peak, plan.gapPercentage), 0),
        explanation: gapExplanation(segment.code, today, settings, startedOn),
      },
    ];
  });
}

/**
 * The alert's one line: which way the segment is off, by how much against which target, and
 * for how long. A positive gap is too few leads (the target is above the recent average). A
 * target of 0 has no gap to speak of (the plan records −100%): its leads have no partner to go to.
 */
export function gapExplanation(
  code: string,
  today: PlannedGap,
  settings: GapAlertSettings,
  startedOn: IsoDate,
): string {
  const recent = Math.round((today.targetLeadsPerDay - today.leadGap) * 100) / 100;
  if (today.targetLeadsPerDay === 0)
    return (
      `${code}: leads without partner capacity (recent average ${recent.toFixed(2)} a day against a target of 0) ` +
      `for ${settings.days} days in a row since ${startedOn}.`
    );
  const way = today.gapPercentage > 0 ? 'too few leads' : 'too many leads';
  return (
    `${code}: ${way}, gap ${signed(today.gapPercentage)} (recent average ${recent.toFixed(2)} against a target of ` +
    `${today.targetLeadsPerDay.toFixed(2)} leads a day) beyond ±${settings.gapPercent}% for ${settings.days} days in a row since ${startedOn}.`
  );
}

const signed = (percentage: number) => `${percentage > 0 ? '+' : ''}${percentage.toFixed(1)}%`;
