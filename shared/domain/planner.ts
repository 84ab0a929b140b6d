import { type IsoDate, isIsoDate } from './business-day.ts';

/**
 * Plan step: a segment's target leads for a day and its gap to the actual.
 * The output is shaped like a `lead_segment_plans` row so it can go to SQL as one jsonb array.
 */

export const DEFAULT_TARGET_UTILIZATION = 0.8;

export interface PlanInput {
  readonly segmentId: string;
  readonly date: IsoDate;
  readonly isActive: boolean;
  /** Partners' total daily lead capacity, at most 2 decimals (numeric(10, 2) may arrive as a string). */
  readonly capacityTotalLeads: number | string;
  /** 0 < u ≤ 1, at most 3 decimals; 0.8 when absent. */
  readonly targetUtilization?: number | string;
  /** Leads the segment got on `date`; 0 for a segment without leads (it still gets a plan). */
  readonly actualLeads: number;
  /** Leads over the recent window ending at `date`, and the window's length in days. */
  readonly recentLeads: number;
  readonly recentDays: number;
  /** The override in force on `date` (SQL lfi_override_in_force decides which); it wins over capacity. */
  readonly override?: { readonly id: string; readonly targetLeadsPerDay: number } | null;
}

export interface SegmentPlan {
  readonly segmentId: string;
  readonly date: IsoDate;
  readonly capacityTotalLeads: number;
  readonly targetUtilization: number;
  readonly targetLeadsPerDay: number;
  readonly targetSource: 'capacity' | 'override';
  readonly overrideId: string | null;
  readonly actualLeads: number;
  /** Average leads a day over the recent window, 2 decimals: what the gap is measured on. */
  readonly recentLeadsPerDay: number;
  readonly leadGap: number;
  readonly leadGapPercentage: number;
}

/**
 * Plans one segment for one day. An inactive segment gets no plan (null): it is not steered, so
 * a target would only show up as a false gap on the dashboard and in alerts.
 *
 * target = capacity × utilization floored to hundredths of a lead (a capacity of 1.0 at 0.8 is a
 * target of 0.80 a day, not 0), computed in integer hundredths × thousandths so that 10 × 0.8 is
 * exactly 8; an active override replaces it (an override of 0 is a real target).
 * The gap is the one the controller acts on: target − the recent average (7 days by default),
 * not one noisy day. leadGapPercentage = gap / target × 100, rounded half away from zero to 2
 * decimals; with a target of 0 it is 0 when there were no leads either and −100 otherwise (the
 * gap is all surplus, and a finite number keeps the numeric(8, 2) column and the charts sane).
 */
export function planSegment(input: PlanInput): SegmentPlan | null {
  if (!input.isActive) return null;
  if (!isIsoDate(input.date)) throw new RangeError(`Plan date must be YYYY-MM-DD, got '${input.date}'.`);
  const capacityHundredths = scaledInteger(input.capacityTotalLeads, 2, 'capacityTotalLeads');
  const utilizationThousandths = scaledInteger(
    input.targetUtilization ?? DEFAULT_TARGET_UTILIZATION,
    3,
    'targetUtilization',
  );
  if (utilizationThousandths <= 0 || utilizationThousandths > 1000) {
    throw new RangeError(`targetUtilization must be above 0 and at most 1, got ${input.targetUtilization}.`);
  }
  assertCount(input.actualLeads, 'actualLeads');
  assertCount(input.recentLeads, 'recentLeads');
  if (!Number.isSafeInteger(input.recentDays) || input.recentDays < 1)
    throw new RangeError(`recentDays must be a whole number of days ≥ 1, got ${input.recentDays}.`);

  const override = input.override ?? null;
  if (override) assertCount(override.targetLeadsPerDay, 'override.targetLeadsPerDay');
  // Everything in hundredths of a lead, so the gap's two decimals are exact.
  const targetHundredths = override
    ? override.targetLeadsPerDay * 100
    : Math.floor((capacityHundredths * utilizationThousandths) / 1000);
  const recentHundredths = Math.round((input.recentLeads * 100) / input.recentDays);
  const gapHundredths = targetHundredths - recentHundredths;

  return {
    segmentId: input.segmentId,
    date: input.date,
    capacityTotalLeads: capacityHundredths / 100,
    targetUtilization: utilizationThousandths / 1000,
    targetLeadsPerDay: targetHundredths / 100,
    targetSource: override ? 'override' : 'capacity',
    overrideId: override ? override.id : null,
    actualLeads: input.actualLeads,
    recentLeadsPerDay: recentHundredths / 100,
    leadGap: gapHundredths / 100,
    leadGapPercentage: gapPercentage(gapHundredths, targetHundredths),
  };
}

/** Plans every segment of a run; inactive segments are left out (see planSegment). */
export function planSegments(inputs: readonly PlanInput[]): SegmentPlan[] {
  return inputs.map(planSegment).filter((plan): plan is SegmentPlan => plan !== null);
}

/** Gap and target in the same unit (hundredths of a lead). */
function gapPercentage(gap: number, target: number): number {
  if (target === 0) return gap === 0 ? 0 : -100;
  // Integer hundredths of a percent, rounded half away from zero.
  const hundredths = Math.round(Math.abs(gap * 10_000) / target);
  return ((gap < 0 ? -hundredths : hundredths) + 0) / 100;
}

/** A non-negative decimal with at most `decimals` places, as an exact integer of 10^-decimals units. */
function scaledInteger(value: number | string, decimals: number, name: string): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  const fraction = (match?.[2] ?? '').replace(/0+$/, '');
  if (!match || fraction.length > decimals) {
    throw new RangeError(
      `${name} must be a non-negative number with at most ${decimals} decimals, got '${text}'.`,
    );
  }
  const scaled = Number(match[1] ?? '0') * 10 ** decimals + Number(fraction.padEnd(decimals, '0'));
  if (!Number.isSafeInteger(scaled)) throw new RangeError(`${name} is too large: '${text}'.`);
  return scaled;
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of leads ≥ 0, got ${value}.`);
  }
}
