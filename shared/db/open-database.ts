import type { Config } from '../config/config.ts';
import type { Database } from './database.port.ts';
import { openPglite } from './pglite.adapter.ts';
import { openPostgres } from './postgres.adapter.ts';

/** The composition root's choice of database: DATABASE_URL, else Supabase, else embedded. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL);
  if (config.SUPABASE_URL && config.SUPABASE_SERVICE_ROLE_KEY) {
    const { openSupabase } = await import('./supabase.adapter.ts');
    return openSupabase(config.SUPABASE_URL, config.SUPABASE_SERVICE_ROLE_KEY);
  }
  return openPglite(config.LFI_DATA_DIR);
}
