import { DatabaseFunctionError, databaseCallError } from './database.errors.ts';
import type { RpcArgs, SqlSession } from './database.port.ts';

const identifier = /^[a-z_][a-z0-9_]*$/;

/** Checks a function name and its argument names (they become SQL identifiers or URL paths). */
export function checkRpcCall(fn: string, args: RpcArgs = {}): void {
  if (!identifier.test(fn)) throw new Error(`Invalid database function name "${fn}".`);
  for (const name of Object.keys(args)) {
    if (!identifier.test(name)) throw new Error(`Invalid argument name "${name}" for ${fn}.`);
  }
}

/**
 * Builds `select public.fn(a => $1, b => $2) as result` for the SQL adapters: the same named-argument
 * call PostgREST makes for `POST /rpc/fn`. Names are checked, values always go as parameters; an
 * undefined argument is left out, so the function's default applies.
 */
export function rpcStatement(fn: string, args: RpcArgs = {}): { sql: string; params: unknown[] } {
  checkRpcCall(fn, args);
  const entries = Object.entries(args).filter(([, value]) => value !== undefined);
  return {
    sql: `select public.${fn}(${entries.map(([name], index) => `${name} => $${index + 1}`).join(', ')}) as result`,
    params: entries.map(([, value]) => toParameter(value)),
  };
}

/** Runs an rpc call on a SQL session; the result row's one value, or null for none (void). */
export async function runRpc(session: SqlSession, fn: string, args?: RpcArgs): Promise<unknown> {
  const { sql, params } = rpcStatement(fn, args);
  try {
    const [row] = await session.query<{ result: unknown }>(sql, params);
    return row?.result ?? null;
  } catch (error) {
    throw databaseCallError(DatabaseFunctionError.fromDriver(fn, error));
  }
}

/**
 * As PostgREST would receive them in a JSON body: objects and arrays as JSON text (for `jsonb`
 * parameters), dates as ISO text, bigints as decimal text; strings, numbers, booleans and null as is.
 */
function toParameter(value: unknown): unknown {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
