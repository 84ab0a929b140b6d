import type { Config } from '../config/config.ts';
import type { Database } from './database.port.ts';
import type { EmbeddedOptions } from './embedded-database.ts';
import { openPostgres } from './postgres.adapter.ts';

export type DatabaseChoice =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'supabase'; readonly url: string; readonly serviceRoleKey: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

/** The one place that decides which database a config means: DATABASE_URL, else Supabase, else embedded. */
export function chooseDatabase(config: Config): DatabaseChoice {
  if (config.DATABASE_URL) return { kind: 'postgres', url: config.DATABASE_URL };
  if (config.SUPABASE_URL && config.SUPABASE_SERVICE_ROLE_KEY) {
    return { kind: 'supabase', url: config.SUPABASE_URL, serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY };
  }
  return { kind: 'pglite', dataDir: config.LFI_DATA_DIR };
}

/**
 * The composition root's database, as chosen by `chooseDatabase`. The embedded one is opened
 * through its data folder's lock (embedded-database.ts): by this process, or through the
 * `lfi serve` that holds it; `embedded` says which command asks and whether it shares it.
 */
export async function openDatabase(
  config: Config,
  embedded: EmbeddedOptions = { command: 'lfi' },
): Promise<Database> {
  const choice = chooseDatabase(config);
  switch (choice.kind) {
    case 'postgres':
      return openPostgres(choice.url);
    case 'supabase': {
      // Loaded only when used: supabase-js is a large import the other lanes do not need.
      const { openSupabase } = await import('./supabase.adapter.ts');
      return openSupabase(choice.url, choice.serviceRoleKey);
    }
    case 'pglite': {
      // Loaded only when used: the Lambdas never run the embedded database.
      const { openEmbeddedDatabase } = await import('./embedded-database.ts');
      return openEmbeddedDatabase(choice.dataDir, embedded);
    }
  }
}
