import { createClient } from '@supabase/supabase-js';
import { DatabaseFunctionError, databaseCallError } from './database.errors.ts';
import type { Database, RpcArgs } from './database.port.ts';
import { checkRpcCall } from './rpc-statement.ts';

export interface SupabaseOptions {
  /** Give up on a call after this long (default 30 s): a hung request must not eat a Lambda's run. */
  readonly timeoutMs?: number;
}

/**
 * Supabase through supabase-js: RPC calls to the SQL functions of the migrations (PostgREST), with
 * the service-role key. PostgREST turns a scalar result into JSON, so unlike the SQL adapters
 * bigint and numeric results arrive as numbers and dates as ISO text: callers parse with zod.
 */
export function openSupabase(url: string, serviceRoleKey: string, options: SupabaseOptions = {}): Database {
  const client = createClient(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    kind: 'supabase',
    async rpc(fn: string, args: RpcArgs = {}) {
      checkRpcCall(fn, args);
      let response: Awaited<ReturnType<typeof client.rpc>>;
      try {
        response = await client.rpc(fn, args).abortSignal(AbortSignal.timeout(timeoutMs));
      } catch (error) {
        // supabase-js returns most failures as `error`, but throws some (an abort, for one).
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw databaseCallError(
          new DatabaseFunctionError(fn, `request to Supabase failed (${reason})`, undefined, error),
          { status: 0 },
        );
      }
      const { data, error, status } = response;
      if (error) {
        // Details from PostgREST help; on a failed connection supabase-js fills them with a stack trace.
        const details = error.code && error.details ? `. Details: ${error.details}` : '';
        const reason = `${error.message || 'no message'}${details}`;
        throw databaseCallError(new DatabaseFunctionError(fn, reason, error.code || undefined, error), {
          status,
        });
      }
      return data ?? null;
    },
    async close() {},
  };
}
