import { describe, expect, it } from 'vitest';
import {
  defaultMetricLimits,
  directionReversals,
  guardrailViolations,
  recoveryDays,
  shocks,
  simulationMetrics,
} from '../../../shared/simulation/metrics.ts';
import type {
  SegmentDayRecord,
  SegmentSeries,
  SimulationSeries,
} from '../../../shared/simulation/simulation-series.ts';

const euros = (n: number) => Math.round(n * 1_000_000);

/** A plain day: target 10 on capacity 12.5, budget €100 spent in full for exactly the target. */
function day(n: number, over: Partial<SegmentDayRecord> = {}): SegmentDayRecord {
  return {
    day: n,
    date: `2027-01-${String(4 + n).padStart(2, '0')}`,
    budgetMicros: euros(100),
    budgetAfterNightMicros: euros(100),
    handEdit: false,
    spendMicros: euros(100),
    expectedLeads: 10,
    realizedLeads: 10,
    maxExpectedLeads: 40,
    demandCeiling: 50,
    targetUneconomic: false,
    spendAboveCeilingMicros: 0,
    lostImpressionShare: 0.3,
    capacity: 12.5,
    target: 10,
    planTarget: 10,
    targetOverride: null,
    costShock: false,
    outage: false,
    costMissing: false,
    decision: null,
    ...over,
  };
}

function days(
  count: number,
  over: (n: number) => Partial<SegmentDayRecord> = () => ({}),
): SegmentDayRecord[] {
  return Array.from({ length: count }, (_, n) => day(n, over(n)));
}

function series(
  segments: { code?: string; customerId?: string; days: SegmentDayRecord[] }[],
  options: { warmupDays?: number; cap?: number } = {},
): SimulationSeries {
  const built: SegmentSeries[] = segments.map((s, i) => ({
    code: s.code ?? `segment-${i}`,
    branch: 'schilder',
    region: 'utrecht',
    customerId: s.customerId ?? '1000000001',
    days: s.days,
  }));
  return {
    scenario: 'hand-made',
    controller: 'default',
    startDate: '2027-01-04',
    days: Math.max(...segments.map((s) => s.days.length)),
    seed: 1,
    warmupDays: options.warmupDays ?? 0,
    accounts: [
      { customerId: '1000000001', dailyCapMicros: options.cap === undefined ? null : euros(options.cap) },
    ],
    segments: built,
  };
}

describe('the simulation metrics', () => {
  it('measures the expected-lead gap against the day’s target, skipping outages and zero targets', () => {
    const expected = [9, 11, 8, 12, 0, 5];
    const s = series([
      {
        days: days(6, (n) => ({
          expectedLeads: expected[n] ?? 0,
          outage: n === 4,
          target: n === 5 ? 0 : 10,
        })),
      },
    ]);

    const metrics = simulationMetrics(s);

    expect(metrics.segments[0]?.expectedLeadGap).toBeCloseTo(0.15, 10);
    expect(metrics.overall.expectedLeadGap).toBeCloseTo(0.15, 10);
  });

  it('measures the expected-lead gap on the days a budget can reach the target, and spend on the others', () => {
    // Days 0–1 within reach (gaps 10%, 30%); day 2 beyond the highest budget; day 3 dearer than a lead earns.
    const expected = [9, 13, 6, 4];
    const s = series([
      {
        days: days(4, (n) => ({
          expectedLeads: expected[n] ?? 0,
          maxExpectedLeads: n === 2 ? 8 : 40,
          targetUneconomic: n === 3,
          spendMicros: euros(n < 2 ? 100 : 50),
        })),
      },
      { code: 'never', days: days(2, () => ({ expectedLeads: 5, targetUneconomic: true })) },
    ]);

    const metrics = simulationMetrics(s);

    expect(metrics.segments[0]?.expectedLeadGap).toBeCloseTo((0.1 + 0.3 + 0.4 + 0.6) / 4, 10);
    expect(metrics.segments[0]?.expectedLeadGapInReach).toBeCloseTo(0.2, 10);
    expect(metrics.segments[0]?.spendOutOfReachMicros).toBe(euros(100));
    expect(metrics.segments[1]).toMatchObject({
      expectedLeadGapInReach: null,
      spendOutOfReachMicros: euros(200),
    });
    expect(metrics.overall.expectedLeadGapInReach).toBeCloseTo(0.2, 10);
    expect(metrics.overall.spendOutOfReachMicros).toBe(euros(300));
  });

  it('leaves the warm-up out of the tracking figures', () => {
    const s = series([{ days: days(20, (n) => ({ expectedLeads: n < 14 ? 0 : 11 })) }], { warmupDays: 14 });

    const metrics = simulationMetrics(s);

    expect(metrics.overall.segmentDays).toBe(6);
    expect(metrics.overall.expectedLeadGap).toBeCloseTo(0.1, 10);
    expect(simulationMetrics(s, { warmupDays: 0 }).overall.segmentDays).toBe(20);
  });

  it('measures the 7-day realized gap and the share of days within ±10%', () => {
    // Day 6: the week averages 10 (0%); day 7: (6 × 10 + 16) / 7 = 10.857 (8.57%); day 8: 11.71 (17.1%).
    const realized = [10, 10, 10, 10, 10, 10, 10, 16, 16];
    const s = series([{ days: days(9, (n) => ({ realizedLeads: realized[n] ?? 0 })) }], { warmupDays: 6 });

    const metrics = simulationMetrics(s);

    expect(metrics.overall.meanAbs7DayGapPct).toBeCloseTo((0 + 60 / 7 + 120 / 7) / 3, 10);
    expect(metrics.overall.within10PctShare).toBeCloseTo(2 / 3, 10);
  });

  it('adds up spend, leads, cost per lead, wasted spend and spend above the ceiling', () => {
    const s = series([
      {
        days: [
          day(0, {
            realizedLeads: 15,
            capacity: 10,
            spendMicros: euros(150),
            spendAboveCeilingMicros: euros(7),
          }),
          day(1, { realizedLeads: 5, capacity: 10, spendMicros: euros(50) }),
        ],
      },
    ]);

    const overall = simulationMetrics(s).overall;

    expect(overall).toMatchObject({
      realizedLeads: 20,
      targetLeads: 20,
      spendMicros: euros(200),
      costPerLeadMicros: euros(10),
      wastedSpendMicros: euros(50),
      spendAboveCeilingMicros: euros(7),
    });
  });

  it('measures budget volatility per night and counts direction reversals', () => {
    const moves: [number, number][] = [
      [100, 120],
      [120, 108],
      [108, 108],
      [108, 113.4],
    ];
    const s = series([
      {
        days: moves.map(([b, a], n) => day(n, { budgetMicros: euros(b), budgetAfterNightMicros: euros(a) })),
      },
    ]);

    const overall = simulationMetrics(s).overall;

    expect(overall.budgetVolatility).toBeCloseTo((0.2 + 0.1 + 0 + 0.05) / 4, 10);
    expect(overall.directionReversals).toBe(2);
    expect(directionReversals([1, 0, 0, -1, -2, 0, 3, 3])).toBe(2);
    expect(directionReversals([0, 0])).toBe(0);
  });

  it('finds no guardrail violation in moves inside the limits, a start from 0 or a move into the range', () => {
    const s = series([
      {
        days: [
          day(0, { budgetMicros: 0, budgetAfterNightMicros: euros(5) }),
          day(1, { budgetMicros: euros(5), budgetAfterNightMicros: euros(6) }),
          day(2, { budgetMicros: euros(1500), budgetAfterNightMicros: euros(1000) }),
          day(3, { budgetMicros: euros(1000), budgetAfterNightMicros: euros(800) }),
          // A budget set by hand: the night found €300 and left it.
          day(4, { budgetMicros: euros(300), budgetAfterNightMicros: euros(300), handEdit: true }),
        ],
      },
    ]);

    expect(guardrailViolations(s, defaultMetricLimits)).toEqual([]);
  });

  it('reports each kind of guardrail violation with its day', () => {
    const s = series(
      [
        {
          code: 'a',
          days: [
            day(0, { budgetMicros: euros(100), budgetAfterNightMicros: euros(125) }),
            day(1, { budgetMicros: 0, budgetAfterNightMicros: euros(10) }),
            day(2, { budgetMicros: euros(900), budgetAfterNightMicros: euros(1050) }),
            day(3, { budgetMicros: euros(50), budgetAfterNightMicros: euros(55), capacity: 0 }),
            day(4, { budgetMicros: euros(70), budgetAfterNightMicros: euros(84) }),
          ],
        },
        {
          code: 'b',
          days: days(5, (n) =>
            n === 4
              ? { budgetMicros: euros(70), budgetAfterNightMicros: euros(84) }
              : { budgetMicros: 0, budgetAfterNightMicros: 0 },
          ),
        },
      ],
      { cap: 150 },
    );

    const found = guardrailViolations(s, defaultMetricLimits).map((v) => [v.segment, v.day, v.kind]);

    expect(found).toEqual([
      ['a', 0, 'maxDailyChange'],
      ['a', 1, 'maxDailyChange'],
      ['a', 2, 'budgetRange'],
      ['a', 2, 'accountCap'],
      ['a', 3, 'increaseAtZeroCapacity'],
      ['a', 4, 'accountCap'],
      ['b', 4, 'accountCap'],
    ]);
    expect(simulationMetrics(s).overall.guardrailViolations).toBe(7);
  });

  it('lets an account above its cap come down, but not go further up', () => {
    const over = (before: number, after: number) =>
      series([{ days: [day(0, { budgetMicros: euros(before), budgetAfterNightMicros: euros(after) })] }], {
        cap: 100,
      });

    expect(guardrailViolations(over(120, 110), defaultMetricLimits)).toEqual([]);
    expect(guardrailViolations(over(120, 130), defaultMetricLimits).map((v) => v.kind)).toEqual([
      'accountCap',
    ]);
  });

  it('finds the shocks: capacity and target changes, cost jumps and hand edits', () => {
    const d = days(6, (n) => ({
      capacity: n >= 2 ? 25 : 12.5,
      target: n >= 2 ? (n >= 4 ? 15 : 20) : 10,
      targetOverride: n >= 4 ? 15 : null,
      costShock: n === 3,
      handEdit: n === 5,
    }));

    expect(shocks(d).map((s) => [s.kind, s.day])).toEqual([
      ['capacity', 2],
      ['costPerLead', 3],
      ['target', 4],
      ['handEdit', 5],
    ]);
  });

  it('counts the days until the 7-day expected gap is within ±10% for three days running', () => {
    // The target doubles on day 10; expected leads follow from day 14. The 7-day window ending on
    // day 19 holds 10 + 6 × 20 = 130 expected against 140 (7%): within, and it stays so.
    const d = days(30, (n) => ({
      capacity: n >= 10 ? 25 : 12.5,
      target: n >= 10 ? 20 : 10,
      expectedLeads: n >= 14 ? 20 : 10,
    }));

    expect(recoveryDays(d, 10, defaultMetricLimits)).toBe(9);
    expect(simulationMetrics(series([{ days: d }])).overall).toMatchObject({
      recoveries: [{ kind: 'capacity', day: 10, date: '2027-01-14', recovery: 9 }],
      medianRecoveryDays: 9,
      notRecovered: 0,
    });
  });

  it('does not count the days before a shock toward its recovery', () => {
    // 11.5 expected a day before a hand edit, 8.5 after (15% short): a 7-day window reaching back
    // over the shock would pass through ±10% for days; the gap since the shock never does.
    const d = days(30, (n) => ({ expectedLeads: n >= 10 ? 8.5 : 11.5, handEdit: n === 10 }));

    expect(recoveryDays(d, 10, defaultMetricLimits)).toBe('not recovered');
  });

  it('says "not recovered" when the gap never closes, and "unreachable" when no budget could close it', () => {
    const stuck = days(30, (n) => ({ capacity: n >= 10 ? 25 : 12.5, target: n >= 10 ? 20 : 10 }));
    const unreachable = stuck.map((d) => ({ ...d, maxExpectedLeads: 12 }));
    const uneconomic = stuck.map((d) => ({ ...d, targetUneconomic: d.day >= 10 }));

    const metrics = simulationMetrics(
      series([
        { code: 'stuck', days: stuck },
        { code: 'far', days: unreachable },
        { code: 'dear', days: uneconomic },
      ]),
    );

    expect(metrics.segments.map((m) => [m.segment, m.unreachable, m.recoveries[0]?.recovery])).toEqual([
      ['stuck', false, 'not recovered'],
      ['far', true, 'unreachable'],
      ['dear', true, 'unreachable'],
    ]);
    expect(metrics.unreachableSegments).toEqual(['far', 'dear']);
    expect(metrics.overall).toMatchObject({ notRecovered: 1, medianRecoveryDays: null });
  });

  it('counts a segment whose target fell to 0 as recovered once its budget is at the minimum', () => {
    const d = days(25, (n) => ({
      capacity: n >= 5 ? 0 : 12.5,
      target: n >= 5 ? 0 : 10,
      budgetMicros: euros(n >= 5 ? Math.max(5, 100 * 0.8 ** (n - 4)) : 100),
    }));

    // €100 × 0.8^k reaches €5 on day 18 (0.8^14 × 100 = 4.4): recovered 13 days after day 5.
    expect(recoveryDays(d, 5, defaultMetricLimits)).toBe(13);
  });
});
