import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';

// The first and last PC4 of ranges where a province border runs, and the neighbours just outside.
const postcodeEdges: readonly (readonly [string, string | null])[] = [
  ['0999', null],
  ['1000', 'noord-holland'],
  ['1299', 'noord-holland'],
  ['1300', 'flevoland'],
  ['1379', 'flevoland'],
  ['1380', 'noord-holland'],
  ['2158', 'noord-holland'],
  ['2159', 'zuid-holland'],
  ['2164', 'zuid-holland'],
  ['2165', 'noord-holland'],
  ['2169', 'noord-holland'],
  ['2170', 'zuid-holland'],
  ['3381', 'zuid-holland'],
  ['3382', 'utrecht'],
  ['3769', 'utrecht'],
  ['3770', 'gelderland'],
  ['3794', 'gelderland'],
  ['3795', 'utrecht'],
  ['3836', 'utrecht'],
  ['3837', 'gelderland'],
  ['3889', 'gelderland'],
  ['3890', 'flevoland'],
  ['3899', 'flevoland'],
  ['3900', 'utrecht'],
  ['3999', 'utrecht'],
  ['4000', 'gelderland'],
  ['4119', 'gelderland'],
  ['4120', 'utrecht'],
  ['4199', 'gelderland'],
  ['4200', 'zuid-holland'],
  ['4209', 'zuid-holland'],
  ['4210', 'gelderland'],
  ['4249', 'utrecht'],
  ['4250', 'noord-brabant'],
  ['4299', 'noord-brabant'],
  ['4300', 'zeeland'],
  ['4599', 'zeeland'],
  ['4600', 'noord-brabant'],
  ['5299', 'noord-brabant'],
  ['5300', 'gelderland'],
  ['5335', 'gelderland'],
  ['5336', 'noord-brabant'],
  ['5765', 'noord-brabant'],
  ['5766', 'limburg'],
  ['5800', 'limburg'],
  ['5819', 'limburg'],
  ['5820', 'noord-brabant'],
  ['5849', 'noord-brabant'],
  ['5850', 'limburg'],
  ['5900', 'limburg'],
  ['6019', 'limburg'],
  ['6020', 'noord-brabant'],
  ['6029', 'noord-brabant'],
  ['6030', 'limburg'],
  ['6499', 'limburg'],
  ['6500', 'gelderland'],
  ['6583', 'gelderland'],
  ['6584', 'limburg'],
  ['6599', 'limburg'],
  ['6600', 'gelderland'],
  ['7399', 'gelderland'],
  ['7400', 'overijssel'],
  ['7739', 'overijssel'],
  ['7740', 'drenthe'],
  ['7766', 'drenthe'],
  ['7767', 'overijssel'],
  ['7799', 'overijssel'],
  ['7800', 'drenthe'],
  ['7949', 'drenthe'],
  ['7950', 'overijssel'],
  ['8199', 'overijssel'],
  ['8200', 'flevoland'],
  ['8259', 'flevoland'],
  ['8260', 'overijssel'],
  ['8299', 'overijssel'],
  ['8300', 'flevoland'],
  ['8322', 'flevoland'],
  ['8323', 'overijssel'],
  ['8387', 'drenthe'],
  ['8388', 'friesland'],
  ['9299', 'friesland'],
  ['9300', 'drenthe'],
  ['9349', 'drenthe'],
  ['9350', 'groningen'],
  ['9399', 'groningen'],
  ['9400', 'drenthe'],
  ['9419', 'drenthe'],
  ['9478', 'drenthe'],
  ['9479', 'groningen'],
  ['9499', 'drenthe'],
  ['9500', 'groningen'],
  ['9999', 'groningen'],
];

// One well-known town per province.
const towns: readonly (readonly [string, string])[] = [
  ['9711 AB', 'groningen'], // Groningen
  ['8911 AA', 'friesland'], // Leeuwarden
  ['7811 AA', 'drenthe'], // Emmen
  ['7511 AA', 'overijssel'], // Enschede
  ['8232 AA', 'flevoland'], // Lelystad
  ['6811 AA', 'gelderland'], // Arnhem
  ['3511 AA', 'utrecht'], // Utrecht
  ['2011 AA', 'noord-holland'], // Haarlem
  ['3011 AA', 'zuid-holland'], // Rotterdam
  ['4331 AA', 'zeeland'], // Middelburg
  ['5611 AA', 'noord-brabant'], // Eindhoven
  ['6211 AA', 'limburg'], // Maastricht
];

const provinceSpellings: readonly (readonly [string | null, string | null])[] = [
  ['Noord-Holland', 'noord-holland'],
  ['noord holland', 'noord-holland'],
  ['NOORD-HOLLAND', 'noord-holland'],
  ['  Noord - Holland ', 'noord-holland'],
  [' Fryslân ', 'friesland'],
  ['FRYSLÂN', 'friesland'],
  ['Friesland', 'friesland'],
  ['NH', 'noord-holland'],
  ['zh', 'zuid-holland'],
  ['NB', 'noord-brabant'],
  ['NL-UT', 'utrecht'],
  ['Brabant', 'noord-brabant'],
  ['Noord_Brabant', 'noord-brabant'],
  ['zeeland', 'zeeland'],
  ['Gelderland', 'gelderland'],
  ['Groningen', 'groningen'],
  ['Drenthe', 'drenthe'],
  ['Overijssel', 'overijssel'],
  ['Flevoland', 'flevoland'],
  ['Limburg', 'limburg'],
  ['Zuid-Holland', 'zuid-holland'],
  ['Atlantis', null],
  ['Holland', null],
  ['', null],
  [null, null],
];

describe.each(databaseLanes)('region mapping on $name', (lane) => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await lane.open();
  });
  afterAll(async () => {
    await db.close();
  });

  async function regionsFor(fn: string, inputs: readonly (string | null)[]): Promise<(string | null)[]> {
    const rows = await db.query<{ region: string | null }>(
      `select public.${fn}(input) as region from unnest($1::text[]) with ordinality as t(input, n) order by n`,
      [inputs],
    );
    return rows.map((row) => row.region);
  }

  it('maps the PC4 numbers on both sides of every province border to the right province', async () => {
    const regions = await regionsFor(
      'lfi_region_for_postcode',
      postcodeEdges.map(([pc4]) => pc4),
    );
    expect(postcodeEdges.map(([pc4], i) => [pc4, regions[i]])).toEqual(postcodeEdges);
  });

  it('maps a well-known town of each of the twelve provinces', async () => {
    const regions = await regionsFor(
      'lfi_region_for_postcode',
      towns.map(([postcode]) => postcode),
    );
    expect(towns.map(([postcode], i) => [postcode, regions[i]])).toEqual(towns);
    expect(new Set(regions).size).toBe(12);
  });

  it('gives every PC4 from 1000 to 9999 a known region and nothing outside that range', async () => {
    const [counts] = await db.query<{ mapped: number; unknown: number; outside: number }>(
      `select count(*) filter (where r.code is not null)::int as mapped,
              count(*) filter (where g between 1000 and 9999 and r.code is null)::int as unknown,
              count(*) filter (where g not between 1000 and 9999 and public.lfi_region_for_pc4(g) is not null)::int as outside
       from generate_series(0, 10999) as g
       left join public.lfi_regions r on r.code = public.lfi_region_for_pc4(g)`,
    );
    expect(counts).toEqual({ mapped: 9000, unknown: 0, outside: 0 });
  });

  it('reads postcodes in any case and spacing, and rejects what is not a Dutch postcode', async () => {
    const inputs = [
      '1012 AB',
      '1012ab',
      ' 1012AB ',
      '1012',
      'ABCD',
      '12',
      '0123 AB',
      '10123',
      '1012 A',
      '',
      null,
    ];
    expect(await regionsFor('lfi_region_for_postcode', inputs)).toEqual([
      'noord-holland',
      'noord-holland',
      'noord-holland',
      'noord-holland',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('reads province names, codes and abbreviations as people write them', async () => {
    const regions = await regionsFor(
      'lfi_region_for_province',
      provinceSpellings.map(([spelling]) => spelling),
    );
    expect(provinceSpellings.map(([spelling], i) => [spelling, regions[i]])).toEqual(provinceSpellings);
  });

  // The lead trigger spells the helpers' two expressions over the same constants (the helpers
  // have a fixed search_path, so calling them would cost every insert a function call).
  it('gives a lead the region the helpers give, for every PC4 and every province spelling', async () => {
    const rollback = new Error('rolled back on purpose');
    let mismatches: unknown[] = ['not run'];
    let leads = 0;
    await db
      .transaction(async (tx) => {
        await tx.exec(`insert into public.industries (name) values ('Regioproef');
          insert into public.lead_segments (code, branch, region, name)
          select 'regioproef-' || code, 'regioproef', code, 'Regioproef ' || name from public.lfi_regions;`);
        await tx.query(
          `insert into public.leads (industry_id, province, postcode)
           select i.id, v.province, v.postcode
             from public.industries i
            cross join (
              select null::text as province, g || ' AB' as postcode from generate_series(990, 10010) g
              union all select p, null from unnest($1::text[]) p
              union all select p, '6211 AA' from unnest($1::text[]) p
              union all select null, c from unnest($2::text[]) c) v
            where i.name = 'Regioproef'`,
          [
            provinceSpellings.map(([spelling]) => spelling),
            ['1012ab', ' 1012AB ', '1012', 'ABCD', '0123 AB', ''],
          ],
        );
        const [count] = await tx.query<{ n: number }>(
          `select count(*)::int as n from public.leads l join public.industries i on i.id = l.industry_id
            where i.name = 'Regioproef'`,
        );
        leads = count?.n ?? 0;
        mismatches = await tx.query(
          `select l.province, l.postcode, s.region
             from public.leads l
             join public.industries i on i.id = l.industry_id and i.name = 'Regioproef'
             left join public.lead_segments s on s.id = l.segment_id
            where s.region is distinct from coalesce(public.lfi_region_for_province(l.province),
                                                     public.lfi_region_for_postcode(l.postcode))`,
        );
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });

    expect(leads).toBe(9021 + 2 * provinceSpellings.length + 6);
    expect(mismatches).toEqual([]);
  });
});
