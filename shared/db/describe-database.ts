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

/**
 * A warning for `lfi serve` when the database is not on this machine: the server hands anyone on
 * this machine an admin token, and through it that database's data. Undefined when it is local.
 */
export function nonLocalDatabaseWarning(config: Config): string | undefined {
  const choice = chooseDatabase(config);
  if (choice.kind === 'pglite') return undefined;
  const host = databaseHost(choice.url);
  if (host !== undefined && isLoopbackName(host)) return undefined;
  const where = host ?? 'an address that is not a valid URL';
  return `Warning: this serves the ${choice.kind === 'supabase' ? 'Supabase project' : 'PostgreSQL database'} at ${where}, not on this machine. Anyone on this machine can read it with the development admin token, and change it; prefer a local copy.`;
}

const isLoopbackName = (host: string) =>
  host === '' || host.startsWith('/') || /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i.test(host);

/** The server's host name; '' or a socket path for a Unix socket (libpq's `host` parameter wins). */
function databaseHost(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.searchParams.get('host') ?? url.hostname;
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
