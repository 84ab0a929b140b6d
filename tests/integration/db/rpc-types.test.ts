import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseFunctionError } from '../../../shared/db/database.errors.ts';
import type { SqlDatabase } from '../../../shared/db/database.port.ts';
import { databaseLanes } from '../../support/databases.ts';

// One function per kind of argument and result the pipeline uses; created for these tests only.
const testFunctions = `
  create function public.lfi_test_args(
    doc jsonb, list jsonb, label text, n integer, amount numeric, day date, flag boolean,
    nothing text, fallback text default 'default used'
  ) returns jsonb language sql as $$
    select jsonb_build_object(
      'doc', doc, 'list', list, 'label', label, 'n_plus_one', n + 1, 'amount_times_3', (amount * 3)::text,
      'next_day', (day + 1)::text, 'not_flag', not flag, 'nothing_is_null', nothing is null,
      'fallback', fallback)
  $$;
  create function public.lfi_test_int(n integer) returns integer language sql as $$ select n * 2 $$;
  create function public.lfi_test_bigint() returns bigint language sql as $$ select 9007199254740993 $$;
  create function public.lfi_test_numeric(a numeric, b numeric) returns numeric language sql as $$ select a + b $$;
  create function public.lfi_test_text(label text) returns text language sql as $$ select upper(label) $$;
  create function public.lfi_test_date(day date) returns date language sql as $$ select day + 1 $$;
  create function public.lfi_test_null() returns jsonb language sql as $$ select null::jsonb $$;
  create table public.lfi_test_touched (id int primary key);
  alter table public.lfi_test_touched enable row level security;
  create function public.lfi_test_touch(id integer) returns void language sql as $$
    insert into public.lfi_test_touched values (id) $$;
`;

describe.each(databaseLanes)('rpc arguments and results on $name', (lane) => {
  // One database for the file: opening one is the slow part, and the tests do not share rows.
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await lane.open({ migrated: false });
    await db.exec(testFunctions);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('passes jsonb, text, integer, numeric, date, boolean and null arguments by name', async () => {
    const result = await db.rpc('lfi_test_args', {
      doc: { segment: 'dakdekker-zeeland', caps: { max: 1000.5 }, tags: ['a', 'b'] },
      list: [1, 'two', null, { three: 3 }],
      label: "it's; -- not SQL $$",
      n: 41,
      amount: '0.1',
      day: '2026-03-28',
      flag: false,
      nothing: null,
      fallback: undefined,
    });

    expect(result).toEqual({
      doc: { segment: 'dakdekker-zeeland', caps: { max: 1000.5 }, tags: ['a', 'b'] },
      list: [1, 'two', null, { three: 3 }],
      label: "it's; -- not SQL $$",
      n_plus_one: 42,
      amount_times_3: '0.3',
      next_day: '2026-03-29',
      not_flag: true,
      nothing_is_null: true,
      fallback: 'default used',
    });
  });

  it('returns integer as a number, bigint and numeric as exact text, text as text', async () => {
    expect(await db.rpc('lfi_test_int', { n: 21 })).toBe(42);
    expect(await db.rpc('lfi_test_bigint')).toBe('9007199254740993');
    expect(await db.rpc('lfi_test_numeric', { a: '0.1', b: 0.2 })).toBe('0.3');
    expect(await db.rpc('lfi_test_text', { label: 'noord-holland' })).toBe('NOORD-HOLLAND');
  });

  it('returns a date as UTC midnight, whatever the machine time zone', async () => {
    expect(await db.rpc('lfi_test_date', { day: '2026-10-24' })).toEqual(new Date('2026-10-25T00:00:00Z'));
    expect(await db.rpc('lfi_test_date', { day: new Date('2026-10-24T00:00:00Z') })).toEqual(
      new Date('2026-10-25T00:00:00Z'),
    );
  });

  it('returns null for a void function (which still does its work) and for a null jsonb', async () => {
    expect(await db.rpc('lfi_test_touch', { id: 7 })).toBeNull();
    expect(await db.rpc('lfi_test_null')).toBeNull();
    expect(await db.query('select id from public.lfi_test_touched where id = 7')).toEqual([{ id: 7 }]);
  });

  it('reports a failing function as a DatabaseFunctionError with its name and SQLSTATE', async () => {
    await db.rpc('lfi_test_touch', { id: 1 });
    const duplicate = await db.rpc('lfi_test_touch', { id: 1 }).catch((e: unknown) => e);
    const missing = await db.rpc('lfi_test_nowhere', { id: 1 }).catch((e: unknown) => e);

    expect(duplicate).toBeInstanceOf(DatabaseFunctionError);
    expect(duplicate).toMatchObject({ fn: 'lfi_test_touch', code: '23505' });
    expect((duplicate as Error).message).toMatch(/^Database function lfi_test_touch failed \(23505\): /);
    expect(missing).toMatchObject({ fn: 'lfi_test_nowhere', code: '42883' });
  });

  it('counts with bigint as exact text in plain queries too', async () => {
    expect(await db.query('select count(*) as n, 5::int as m from pg_class where false')).toEqual([
      { n: '0', m: 5 },
    ]);
  });
});
