import type { RpcArgs } from './database.port.ts';

const identifier = /^[a-z_][a-z0-9_]*$/;

/**
 * Builds `select public.fn(a => $1, b => $2) as result` for the SQL adapters: the same named-argument
 * call PostgREST makes for `POST /rpc/fn`. Names are checked, values always go as parameters.
 */
export function rpcStatement(fn: string, args: RpcArgs = {}): { sql: string; params: unknown[] } {
  if (!identifier.test(fn)) throw new Error(`Invalid database function name "${fn}".`);
  const entries = Object.entries(args).filter(([, value]) => value !== undefined);
  const named = entries.map(([name], index) => {
    if (!identifier.test(name)) throw new Error(`Invalid argument name "${name}" for ${fn}.`);
    return `${name} => $${index + 1}`;
  });
  return {
    sql: `select public.${fn}(${named.join(', ')}) as result`,
    params: entries.map(([, value]) => toParameter(value)),
  };
}

function toParameter(value: unknown): unknown {
  if (value === null || value instanceof Date) return value;
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
