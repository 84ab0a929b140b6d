import type { SqlDatabase } from '../shared/db/database.port.ts';
import { type Bench, type BenchResult, median } from './bench.ts';
import { type BenchLane, measureOnLanes } from './support/bench-databases.ts';

/**
 * What the segment-assignment trigger costs the platform's lead inserts: the same inserts with the
 * trigger enabled and disabled, alternating, median of several rounds (the machine is shared).
 * On each of the bench lanes (bench/support/bench-databases.ts), on the clock that fits it.
 */
const singleRows = 2_000;
const singleRounds = 9;
const bulkRows = 100_000;
const bulkRounds = 3;
const singleTarget = 1.3;
const bulkTarget = 3;

const branches = ['schilder', 'dakdekker', 'loodgieter', 'hovenier', 'warmtepomp'];
const regions = [
  ['groningen', 'Groningen', '9711 AB'],
  ['friesland', 'Fryslân', '8911 CD'],
  ['drenthe', 'Drenthe', '9401 EF'],
  ['overijssel', 'overijssel', '8011 GH'],
  ['flevoland', 'FLEVOLAND', '1315 JK'],
  ['gelderland', 'Gelderland', '6811 LM'],
  ['utrecht', 'Utrecht', '3511 NP'],
  ['noord-holland', 'Noord-Holland', '1012 AB'],
  ['zuid-holland', 'zuid holland', '2511 RS'],
  ['zeeland', 'Zeeland', '4331 TV'],
  ['noord-brabant', 'NB', '5611 WX'],
  ['limburg', 'Limburg', '6211 YZ'],
] as const;

/** Per lane: what its times are measured on, and the unit that names it. */
const clocks: Readonly<Record<BenchLane['name'], { readonly now: () => number; readonly unit: string }>> = {
  // PGlite runs in this process: its CPU time, which other processes on a busy machine disturb
  // far less than wall time.
  pglite: { now: cpuMs, unit: 'ms cpu' },
  // The work is in the server: wall time.
  postgres: { now: () => performance.now(), unit: 'ms' },
};

// One connection, so every insert runs on the same server session and its plan cache.
const bench: Bench = () => measureOnLanes('lfi_bench_segment_trigger', measure, { maxConnections: 1 });
export default bench;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(db: SqlDatabase, lane: BenchLane['name']): Promise<BenchResult[]> {
  const name = `segment-trigger (${lane})`;
  const { now: clock, unit } = clocks[lane];
  const industryIds = await seedSegments(db);
  const rows = Array.from({ length: singleRows }, (_, i) => leadRow(i, industryIds));

  const single = await alternate(db, clock, singleRounds, async () => {
    for (const row of rows) {
      await db.query('insert into public.leads (industry_id, province, postcode) values ($1, $2, $3)', row);
    }
  });
  const bulkParams = [industryIds, regions.map((r) => r[1]), regions.map((r) => r[2])];
  const bulk = await alternate(db, clock, bulkRounds, async () => {
    await db.query(bulkInsert, bulkParams);
  });
  const unsegmented = await db.query<{ share: number }>(
    'select avg((segment_id is null)::int)::float8 as share from public.leads',
  );

  return [
    { bench: name, metric: `${singleRows} single-row inserts, no trigger`, value: single.without, unit },
    { bench: name, metric: `${singleRows} single-row inserts, trigger`, value: single.with, unit },
    {
      bench: name,
      metric: 'single-row insert slowdown',
      value: single.ratio,
      unit: '×',
      target: `≤ ${singleTarget}×`,
      pass: single.ratio <= singleTarget,
    },
    { bench: name, metric: `${bulkRows} bulk insert, no trigger`, value: bulk.without, unit },
    { bench: name, metric: `${bulkRows} bulk insert, trigger`, value: bulk.with, unit },
    {
      bench: name,
      metric: 'bulk insert slowdown',
      value: bulk.ratio,
      unit: '×',
      target: `≤ ${bulkTarget}×`,
      pass: bulk.ratio <= bulkTarget,
    },
    {
      bench: name,
      metric: 'unsegmented leads (by design ~10%)',
      value: (unsegmented[0]?.share ?? 0) * 100,
      unit: '%',
    },
  ];
}

/**
 * Runs `work` with and without the trigger in turn, on an emptied table. Times are medians; the
 * ratio is the median of each round's with/without ratio, as the two runs of a round share the
 * machine's load of that moment.
 */
async function alternate(
  db: SqlDatabase,
  clock: () => number,
  rounds: number,
  work: () => Promise<void>,
): Promise<{ with: number; without: number; ratio: number }> {
  const times = { with: [] as number[], without: [] as number[] };
  // Round -1 warms up (plan caches, compiled trigger) and is not counted.
  for (let round = -1; round < rounds; round++) {
    // Swap the order each round so neither variant always runs on a warmer cache.
    const order = round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
    for (const variant of order) {
      await db.exec(`truncate public.leads;
        alter table public.leads ${variant === 'with' ? 'enable' : 'disable'} trigger leads_assign_segment;`);
      const start = clock();
      await work();
      if (round >= 0) times[variant].push(clock() - start);
    }
  }
  await db.exec('alter table public.leads enable trigger leads_assign_segment');
  const ratios = times.with.map((ms, round) => ms / (times.without[round] ?? Number.NaN));
  return { with: median(times.with), without: median(times.without), ratio: median(ratios) };
}

/** 5 branches × 12 regions of active segments, plus a branch that has none (leads stay unsegmented). */
async function seedSegments(db: SqlDatabase): Promise<string[]> {
  const industries = await db.query<{ id: string }>(
    `insert into public.industries (name)
     select initcap(b) from unnest($1::text[]) with ordinality as t(b, n) order by n
     returning id`,
    [[...branches, 'behanger']],
  );
  await db.query(
    `insert into public.lead_segments (code, branch, region, name)
     select b || '-' || r.code, b, r.code, initcap(b) || ' ' || r.name
     from unnest($1::text[]) as b cross join public.lfi_regions r`,
    [branches],
  );
  return industries.map((row) => row.id);
}

/**
 * The i-th lead: one in ten unknown (a branch without segments, no industry, or no usable
 * region); of the rest, half give a province as people write it and half only a postcode.
 */
function leadRow(i: number, industryIds: readonly string[]): [string | null, string | null, string | null] {
  const region = regions[i % regions.length] ?? regions[0];
  const industry = industryIds[i % branches.length] ?? null;
  switch (i % 20) {
    case 0:
      return [industryIds[branches.length] ?? null, region[1], null];
    case 10:
      return [i % 40 === 10 ? null : industry, null, 'ABCD'];
    default:
      return i % 2 === 0 ? [industry, region[1], null] : [industry, null, region[2]];
  }
}

/** The same mix as `leadRow`, generated in SQL: $1 industry ids, $2 provinces, $3 postcodes. */
const bulkInsert = `insert into public.leads (industry_id, province, postcode)
  select case
           when g % 20 = 0 then ($1::uuid[])[${branches.length + 1}]
           when g % 40 = 10 then null
           else ($1::uuid[])[1 + g % ${branches.length}]
         end,
         case when g % 20 <> 10 and g % 2 = 0 then ($2::text[])[1 + g % ${regions.length}] end,
         case when g % 20 = 10 then 'ABCD' when g % 2 = 1 then ($3::text[])[1 + g % ${regions.length}] end
  from generate_series(0, ${bulkRows - 1}) as g`;
