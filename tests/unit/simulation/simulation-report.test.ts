import { describe, expect, it } from 'vitest';
import { niceMax, simulationSvg } from '../../../cli/simulation-plot.ts';
import { formatScenarioTable } from '../../../cli/simulation-report.ts';
import { simulationMetrics } from '../../../shared/simulation/metrics.ts';
import type { SegmentDayRecord, SimulationSeries } from '../../../shared/simulation/simulation-series.ts';

function day(n: number): SegmentDayRecord {
  return {
    day: n,
    date: `2027-01-${String(4 + n).padStart(2, '0')}`,
    budgetMicros: 100_000_000 + n * 1_000_000,
    budgetAfterNightMicros: 100_000_000 + (n + 1) * 1_000_000,
    handEdit: n === 3,
    spendMicros: 96_000_000,
    expectedLeads: 9.5,
    realizedLeads: n % 3 === 0 ? 12 : 8,
    maxExpectedLeads: 30,
    demandCeiling: 40,
    targetUneconomic: false,
    spendAboveCeilingMicros: 0,
    lostImpressionShare: 0.2,
    capacity: 12,
    target: 9.6,
    planTarget: 9,
    targetOverride: null,
    costShock: n === 5,
    outage: n === 6,
    costMissing: false,
    decision: null,
  };
}

const series = (controller: 'default' | 'plan'): SimulationSeries => ({
  scenario: 'two-painters',
  controller,
  startDate: '2027-01-04',
  days: 10,
  seed: 1,
  warmupDays: 2,
  accounts: [{ customerId: '1000000001', dailyCapMicros: null }],
  segments: ['schilder-utrecht', 'schilder-zeeland'].map((code) => ({
    code,
    branch: 'schilder',
    region: code.slice(9),
    customerId: '1000000001',
    days: Array.from({ length: 10 }, (_, n) => day(n)),
  })),
});

describe('the simulation report', () => {
  it('prints a row per segment and an overall row, side by side for two controllers', () => {
    const table = formatScenarioTable([
      simulationMetrics(series('default')),
      simulationMetrics(series('plan')),
    ]);
    const lines = table.split('\n');

    expect(lines[0]).toBe(
      'Scenario two-painters: 2 segments, metrics after a 2-day warm-up; each cell: default / plan',
    );
    expect(lines[1]).toMatch(
      /^segment\s+exp\.gap %\s+in reach %\s+\|7d gap\| %\s+±10% share\s+target\s+leads\s+spend €/,
    );
    expect(lines.slice(3).map((l) => l.split(/\s{2,}/)[0])).toEqual([
      'schilder-utrecht',
      'schilder-zeeland',
      'overall',
    ]);
    // The target is the scenario's: shown once; the rest once per controller.
    expect(lines[5]).toMatch(/^overall\s+1\.\d \/ 1\.\d\s+1\.\d \/ 1\.\d\s+.*\s+154\s+152 \/ 152\s/);
  });

  it('draws one SVG with a leads panel and a budget panel per segment, and a legend', () => {
    const svg = simulationSvg(series('default'));

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('two-painters — controller default');
    // Its alternative text, as the first element.
    expect(svg.split('\n')[1]).toMatch(/^<title>two-painters — controller default: .+<\/title>$/);
    for (const label of ['realized leads', 'expected leads', 'target', 'budget in force', 'spend'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg.match(/>schilder-(utrecht|zeeland)<\/text>/g)).toHaveLength(2);
    // Per segment: realized, expected, target, spend and budget lines, plus two frames.
    expect(svg.match(/<polyline /g)).toHaveLength(2 * 7);
  });

  it('rounds an axis up to four round steps', () => {
    expect([0.8, 9.6, 13, 187, 730, 1000].map(niceMax)).toEqual([0.8, 10, 20, 200, 800, 1000]);
  });
});
