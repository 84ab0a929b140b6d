import { createClient } from '@supabase/supabase-js';
import type { Database, RpcArgs } from './database.port.ts';

/** Supabase through supabase-js: RPC calls to the SQL functions of the migrations (PostgREST). */
export function openSupabase(url: string, serviceRoleKey: string): Database {
  const client = createClient(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  return {
    kind: 'supabase',
    async rpc(fn: string, args: RpcArgs = {}) {
      const { data, error } = await client.rpc(fn, args);
      if (error) throw new Error(`Database function ${fn} failed: ${error.message}`);
      return data;
    },
    async close() {},
  };
}
