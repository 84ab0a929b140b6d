import { describe, expect, it } from 'vitest';
import { rpcStatement } from '../../../shared/db/rpc-statement.ts';

describe('rpcStatement', () => {
  it('calls public.<fn> with named arguments, every value as a parameter', () => {
    expect(rpcStatement('lfi_plan', { run_date: '2026-11-24', dry_run: true, n: 3 })).toEqual({
      sql: 'select public.lfi_plan(run_date => $1, dry_run => $2, n => $3) as result',
      params: ['2026-11-24', true, 3],
    });
  });

  it('calls a function without arguments', () => {
    expect(rpcStatement('lfi_status')).toEqual({ sql: 'select public.lfi_status() as result', params: [] });
  });

  it('leaves out undefined arguments so defaults apply, and keeps null ones', () => {
    expect(rpcStatement('f', { a: undefined, b: null })).toEqual({
      sql: 'select public.f(b => $1) as result',
      params: [null],
    });
  });

  it('sends objects and arrays as JSON, dates as ISO text and bigints as decimal text', () => {
    const { params } = rpcStatement('f', {
      doc: { a: [1, { b: 'c' }] },
      list: [1, 2],
      at: new Date('2026-11-25T00:30:00Z'),
      big: 9007199254740993n,
    });

    expect(params).toEqual(['{"a":[1,{"b":"c"}]}', '[1,2]', '2026-11-25T00:30:00.000Z', '9007199254740993']);
  });

  it.each([
    ['function name', 'f(); drop table leads; --', {}],
    ['function name', 'Public.F', {}],
    ['argument name', 'f', { 'a => 1); drop table leads; --': 1 }],
  ])('rejects an unsafe %s', (_, fn, args) => {
    expect(() => rpcStatement(fn, args)).toThrow(/^Invalid (database function|argument) name/);
  });
});
