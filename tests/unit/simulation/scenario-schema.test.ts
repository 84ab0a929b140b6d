import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  parseScenario,
  parseScenarioJson,
  type Scenario,
  ScenarioError,
  scenarioJsonSchemaText,
} from '../../../shared/simulation/scenario.schema.ts';

const root = new URL('../../../', import.meta.url);
const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

async function library(): Promise<{ file: string; scenario: Scenario }[]> {
  const dir = new URL('scenarios/', root);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      file,
      scenario: parseScenarioJson(await readFile(new URL(file, dir), 'utf8'), `scenarios/${file}`),
    })),
  );
}

describe('the scenario schema', () => {
  it('accepts every scenario of the library', async () => {
    const scenarios = await library();

    expect(scenarios.length).toBeGreaterThanOrEqual(10);
    for (const { file, scenario } of scenarios) expect(`${scenario.name}.json`).toBe(file);
  });

  it('keeps the library varied: 3 to 12 segments each, leads from about €5 to about €100, many branches', async () => {
    const scenarios = (await library()).map((s) => s.scenario);
    const costs = scenarios.flatMap((s) => s.segments.map((segment) => segment.costPerLeadEuros));
    const branches = new Set(scenarios.flatMap((s) => s.segments.map((segment) => segment.branch)));

    for (const scenario of scenarios) {
      expect(scenario.segments.length, scenario.name).toBeGreaterThanOrEqual(3);
      expect(scenario.segments.length, scenario.name).toBeLessThanOrEqual(12);
      expect(new Set(scenario.segments.map((s) => s.branch)).size, scenario.name).toBeGreaterThan(1);
    }
    expect(Math.min(...costs)).toBeLessThanOrEqual(6);
    expect(Math.max(...costs)).toBeGreaterThanOrEqual(90);
    expect(costs.some((c) => c > 20 && c < 60)).toBe(true);
    expect(branches.size).toBeGreaterThanOrEqual(8);
  });

  it('fills in the defaults: 90 days, a 14-day warm-up, elasticity 0.7, a flat week, no events', () => {
    const scenario = parseScenario(
      {
        name: 'minimal',
        description: 'One segment with only the required fields.',
        segments: [
          {
            branch: 'schilder',
            region: 'utrecht',
            costPerLeadEuros: 12,
            response: { referenceLeadsPerDay: 8 },
            demandCeilingLeadsPerDay: 20,
            leadStatus: { pricePerAcceptedLeadEuros: 20 },
            partners: [{ capacityPerDay: 10 }],
            startBudgetEuros: 100,
          },
        ],
      },
      'minimal',
    );

    expect(scenario).toMatchObject({ days: 90, warmupDays: 14, startDate: '2027-01-04' });
    expect(scenario.segments[0]).toMatchObject({
      response: { elasticity: 0.7 },
      weekday: [1, 1, 1, 1, 1, 1, 1],
      leadStatus: { minLagDays: 1, maxLagDays: 3, acceptanceRate: 0.9 },
      targetUtilization: 0.8,
      shocks: [],
      budgetEdits: [],
    });
  });

  it('rejects a bad field with one sentence naming the file and the field', async () => {
    const act = async () => parseScenarioJson(await fixture('negative-cost-per-lead.json'), 'bad.json');

    await expect(act()).rejects.toThrow(ScenarioError);
    await expect(act()).rejects.toThrow(
      /^bad\.json: segments\[1\]\.costPerLeadEuros: Too small: expected number to be >0\.$/,
    );
  });

  it('names the field of an unknown province', async () => {
    await expect(async () =>
      parseScenarioJson(await fixture('unknown-province.json'), 'x.json'),
    ).rejects.toThrow(/^x\.json: segments\[0\]\.region: Invalid option: expected one of .*"noord-brabant"/);
  });

  it('says a file that is not JSON is not JSON', () => {
    expect(() => parseScenarioJson('{ "name": "x", "segments": [', 'cut.json')).toThrow(
      /^cut\.json is not valid JSON: .+\.$/,
    );
  });

  it('rejects an unknown field, a segment listed twice and an account nobody declared', () => {
    const segment = {
      branch: 'schilder',
      region: 'utrecht',
      costPerLeadEuros: 12,
      response: { referenceLeadsPerDay: 8 },
      demandCeilingLeadsPerDay: 20,
      leadStatus: { pricePerAcceptedLeadEuros: 20 },
      partners: [{ capacityPerDay: 10 }],
      startBudgetEuros: 100,
    };
    const base = { name: 'x', description: 'x' };

    expect(() => parseScenario({ ...base, segments: [{ ...segment, cpl: 3 }] }, 's')).toThrow(
      /^s: segments\[0\]: Unrecognized key: "cpl"\.$/,
    );
    expect(() => parseScenario({ ...base, segments: [segment, segment] }, 's')).toThrow(
      /^s: segments\[1\]\.region: repeats segment schilder-utrecht/,
    );
    expect(() =>
      parseScenario({ ...base, segments: [{ ...segment, customerId: '9999999999' }] }, 's'),
    ).toThrow(/^s: segments\[0\]\.customerId: names account 9999999999, which is not in accounts\.$/);
    expect(() =>
      parseScenario({ ...base, segments: [{ ...segment, startBudgetEuros: 10.005 }] }, 's'),
    ).toThrow(/segments\[0\]\.startBudgetEuros/);
  });

  it('is exported as docs/scenario.schema.json (run `lfi simulate --write-schema` when this fails)', async () => {
    const committed = await readFile(new URL('docs/scenario.schema.json', root), 'utf8');

    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('accepts the example in docs/scenarios.md', async () => {
    const doc = await readFile(new URL('docs/scenarios.md', root), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];

    expect(example).toBeDefined();
    expect(parseScenarioJson(example ?? '', 'docs/scenarios.md').segments.length).toBeGreaterThan(0);
  });
});
