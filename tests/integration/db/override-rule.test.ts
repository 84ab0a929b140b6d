import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { loadPlanInputs } from '../../../shared/pipeline/plan.repository.ts';
import { databaseLanes } from '../../support/databases.ts';

// Which override sets a segment's target lives in one place (lfi_override_over and
// lfi_override_in_force): Plan reads it through lfi_plan_inputs, the API through lfi_api_override.
const segment = '44444444-4444-4444-8444-444444444444';

describe.each(databaseLanes)('the override rule on $name', (lane) => {
  let db: SqlDatabase;

  beforeAll(async () => {
    db = await lane.open();
    await db.exec(`insert into public.lead_segments (id, code, branch, region, name)
                   values ('${segment}', 'schilder-utrecht', 'schilder', 'utrecht', 'Schilder Utrecht')`);
  });
  afterAll(() => db?.close());

  const withOverrides = async (
    rows: readonly {
      id: string;
      target: number;
      from: string;
      to: string | null;
      created: string;
      cleared?: string;
    }[],
  ) => {
    await db.query('delete from public.lead_target_overrides where segment_id = $1', [segment]);
    for (const o of rows)
      await db.query(
        `insert into public.lead_target_overrides
           (id, segment_id, target_leads_per_day, valid_from, valid_to, reason, created_by, created_at, cleared_at)
         values ($1, $2, $3, $4, $5, 'test', 'test', $6, $7)`,
        [o.id, segment, o.target, o.from, o.to, o.created, o.cleared ?? null],
      );
  };
  const inForce = async (date: string) => (await loadPlanInputs(db, date, 7))[0]?.override?.id ?? null;
  const active = async (today: string) =>
    Object.fromEntries(
      (
        await db.query<{ id: string; active: boolean }>(
          `select o.id, (public.lfi_api_override(o, $1) ->> 'active')::boolean as active
             from public.lead_target_overrides o where o.segment_id = $2`,
          [today, segment],
        )
      ).map((row) => [row.id, row.active]),
    );

  const a = 'aaaaaaaa-0000-4000-8000-00000000000a';
  const b = 'bbbbbbbb-0000-4000-8000-00000000000b';
  const c = 'cccccccc-0000-4000-8000-00000000000c';
  const created = '2026-11-19T10:00:00Z';

  it('puts an override in force on the first and the last day of its validity, and not a day outside', async () => {
    await withOverrides([{ id: a, target: 12, from: '2026-11-20', to: '2026-11-24', created }]);
    expect(await inForce('2026-11-19')).toBeNull();
    expect(await inForce('2026-11-20')).toBe(a);
    expect(await inForce('2026-11-24')).toBe(a);
    expect(await inForce('2026-11-25')).toBeNull();
    expect((await loadPlanInputs(db, '2026-11-22', 7))[0]?.override).toEqual({
      id: a,
      targetLeadsPerDay: 12,
    });
  });

  it('keeps an override without an end in force from its start on', async () => {
    await withOverrides([{ id: a, target: 12, from: '2026-11-20', to: null, created }]);
    expect(await inForce('2027-06-01')).toBe(a);
  });

  it('ignores a cleared override on every date, past ones being re-planned too', async () => {
    await withOverrides([
      { id: a, target: 12, from: '2026-11-20', to: null, created, cleared: '2026-11-23T08:00:00Z' },
    ]);
    expect(await inForce('2026-11-21')).toBeNull();
    expect(await inForce('2026-11-25')).toBeNull();
  });

  it('lets the latest created of overlapping overrides win, a cleared one never, and a tie go to the larger id', async () => {
    await withOverrides([
      { id: a, target: 12, from: '2026-11-20', to: '2026-11-24', created },
      { id: b, target: 30, from: '2026-11-21', to: '2026-11-23', created: '2026-11-21T09:00:00Z' },
      {
        id: c,
        target: 5,
        from: '2026-11-20',
        to: null,
        created: '2026-11-22T09:00:00Z',
        cleared: '2026-11-22T10:00:00Z',
      },
    ]);
    expect(await inForce('2026-11-20')).toBe(a);
    expect(await inForce('2026-11-22')).toBe(b);
    expect(await inForce('2026-11-24')).toBe(a);
    await withOverrides([
      { id: b, target: 30, from: '2026-11-20', to: null, created },
      { id: a, target: 12, from: '2026-11-20', to: null, created },
    ]);
    expect(await inForce('2026-11-22')).toBe(b);
  });

  it('shows an override as active in the API until it is over: upcoming yes, ended or cleared no', async () => {
    await withOverrides([
      { id: a, target: 12, from: '2026-12-01', to: null, created },
      { id: b, target: 30, from: '2026-11-01', to: '2026-11-24', created },
      { id: c, target: 5, from: '2026-11-20', to: null, created, cleared: '2026-11-22T10:00:00Z' },
    ]);
    expect(await active('2026-11-25')).toEqual({ [a]: true, [b]: false, [c]: false });
    expect(await active('2026-11-24')).toEqual({ [a]: true, [b]: true, [c]: false });
  });
});
