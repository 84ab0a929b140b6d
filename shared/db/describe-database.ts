import { resolve } from 'node:path';
import type { Config } from '../config/config.ts';
import { chooseDatabase } from './open-database.ts';

const secretParameters = /pass|secret|key|token/i;

/** One line saying which database a config means, for a CLI or a log; never shows a secret. */
export function describeDatabase(config: Config): string {
  const choice = chooseDatabase(config);
  switch (choice.kind) {
    case 'postgres':
      return `PostgreSQL at ${maskUrl(choice.url) ?? '(DATABASE_URL, not shown: it is not a valid URL)'}`;
    case 'supabase':
      return `Supabase at ${maskUrl(choice.url) ?? '(SUPABASE_URL, not shown)'} with the service-role key`;
    case 'pglite':
      return `embedded PGlite in ${resolve(choice.dataDir)}`;
  }
}

/** The URL with its password and any secret-looking query parameter replaced by ***. */
function maskUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (secretParameters.test(name)) url.searchParams.set(name, '***');
  }
  // URLSearchParams percent-encodes the mask; show it plainly.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}
