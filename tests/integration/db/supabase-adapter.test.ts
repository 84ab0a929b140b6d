import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseFunctionError } from '../../../shared/db/database.errors.ts';
import type { Database, SqlDatabase } from '../../../shared/db/database.port.ts';
import { openSupabase } from '../../../shared/db/supabase.adapter.ts';
import { TransientError } from '../../../shared/runtime/errors.ts';
import { databaseLanes } from '../../support/databases.ts';
import { type PostgrestRpcServer, startPostgrestRpcServer } from '../../support/postgrest-rpc-server.ts';

const serviceRoleKey = 'test-service-role-key-7f3a9c';

// Functions made for these tests only, on a throw-away database behind the stand-in endpoint.
const testFunctions = `
  create function public.lfi_test_echo(doc jsonb, label text default 'none') returns jsonb
    language sql as $$ select jsonb_build_object('doc', doc, 'label', label) $$;
  create function public.lfi_test_add(a integer, b integer) returns integer
    language sql as $$ select a + b $$;
  create function public.lfi_test_greet(name text) returns text
    language sql as $$ select 'Hallo ' || name $$;
  create function public.lfi_test_price() returns numeric
    language sql as $$ select 12.50::numeric $$;
  create function public.lfi_test_touch() returns void
    language sql as $$ select $$;
  create function public.lfi_test_fail(reason text) returns jsonb language plpgsql as $$
    begin raise exception 'refused: %', reason using hint = 'Try another segment.'; end $$;
`;

const pglite = databaseLanes.find((lane) => lane.name === 'pglite');

describe('the Supabase adapter over HTTP with supabase-js', () => {
  let sql: SqlDatabase;
  let endpoint: PostgrestRpcServer;
  let supabase: Database;

  beforeAll(async () => {
    if (!pglite) throw new Error('The pglite lane is always available.');
    sql = await pglite.open();
    await sql.exec(testFunctions);
    endpoint = await startPostgrestRpcServer(sql, { serviceRoleKey });
    supabase = openSupabase(endpoint.url, serviceRoleKey);
  });

  afterAll(async () => {
    await supabase?.close();
    await endpoint?.close();
    await sql?.close();
  });

  it('round-trips a jsonb document, sending the service-role key as apikey and bearer token', async () => {
    const doc = { segment: 'schilder-utrecht', budgets: [500, 0], nested: { paused: false, note: null } };

    const result = await supabase.rpc('lfi_test_echo', { doc, label: "O'Brien; drop table leads" });

    expect(result).toEqual({ doc, label: "O'Brien; drop table leads" });
    const request = endpoint.requests.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/rest/v1/rpc/lfi_test_echo');
    expect(request?.body).toEqual({ doc, label: "O'Brien; drop table leads" });
    expect(request?.headers.apikey).toBe(serviceRoleKey);
    expect(request?.headers.authorization).toBe(`Bearer ${serviceRoleKey}`);
  });

  it('leaves out undefined arguments so the function default applies', async () => {
    const result = await supabase.rpc('lfi_test_echo', { doc: [1, 2], label: undefined });

    expect(result).toEqual({ doc: [1, 2], label: 'none' });
  });

  it('returns scalar results: integer, text and numeric as PostgREST sends them, and null for void', async () => {
    expect(await supabase.rpc('lfi_test_add', { a: 40, b: 2 })).toBe(42);
    expect(await supabase.rpc('lfi_test_greet', { name: 'Zeeland' })).toBe('Hallo Zeeland');
    expect(await supabase.rpc('lfi_test_price')).toBe(12.5);
    expect(await supabase.rpc('lfi_test_touch')).toBeNull();
  });

  it('reports a failing function as an error naming the function and its SQLSTATE, never the key', async () => {
    const failure = await supabase.rpc('lfi_test_fail', { reason: 'no capacity' }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DatabaseFunctionError);
    const error = failure as DatabaseFunctionError;
    expect(error.fn).toBe('lfi_test_fail');
    expect(error.code).toBe('P0001');
    expect(error.message).toContain('lfi_test_fail');
    expect(error.message).toContain('refused: no capacity');
    expect(error.message).not.toContain(serviceRoleKey);
  });

  it('reports an unknown function with PostgREST code PGRST202', async () => {
    const failure = await supabase.rpc('lfi_test_missing', { a: 1 }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DatabaseFunctionError);
    expect((failure as DatabaseFunctionError).code).toBe('PGRST202');
    expect((failure as DatabaseFunctionError).message).toMatch(
      /lfi_test_missing.*Could not find the function/,
    );
  });

  it('is refused by the endpoint with a wrong key, and the error does not show that key', async () => {
    const wrongKey = 'not-the-service-role-key-41d2';
    const stranger = openSupabase(endpoint.url, wrongKey);

    const failure = await stranger.rpc('lfi_test_add', { a: 1, b: 2 }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(DatabaseFunctionError);
    expect((failure as DatabaseFunctionError).code).toBe('PGRST301');
    expect((failure as DatabaseFunctionError).message).not.toContain(wrongKey);
  });

  it('rejects a function name that is not a plain identifier before sending anything', async () => {
    const before = endpoint.requests.length;

    await expect(supabase.rpc('../lfi_test_add', {})).rejects.toThrow(/Invalid database function name/);
    expect(endpoint.requests.length).toBe(before);
  });
});

describe('the Supabase adapter against an endpoint that never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let url: string;

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket)); // accepts connections, never replies
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up after its timeout with an error naming the function, never the key', async () => {
    const supabase = openSupabase(url, serviceRoleKey, { timeoutMs: 300 });

    const failure = await supabase.rpc('lfi_test_add', { a: 1, b: 2 }).catch((e: unknown) => e);

    // A request that got no answer is a passing fault: Step Functions retries TransientError.
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).cause).toBeInstanceOf(DatabaseFunctionError);
    expect((failure as Error).message).toMatch(/lfi_test_add.*TimeoutError/);
    expect((failure as Error).message).not.toContain(serviceRoleKey);
  });
});
