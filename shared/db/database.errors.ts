/**
 * A database function called through `Database.rpc` failed. `code` is the SQLSTATE (e.g. 23505)
 * on every adapter, or PostgREST's own code (e.g. PGRST202, function not found) on Supabase.
 * The message names the function and never carries connection strings or keys.
 */
export class DatabaseFunctionError extends Error {
  override readonly name = 'DatabaseFunctionError';
  readonly fn: string;
  readonly code: string | undefined;
  constructor(fn: string, reason: string, code: string | undefined, cause?: unknown) {
    super(`Database function ${fn} failed${code ? ` (${code})` : ''}: ${reason}`, { cause });
    this.fn = fn;
    this.code = code;
  }

  /** Wraps an error thrown by a SQL driver (pg or PGlite: both carry the SQLSTATE in `code`). */
  static fromDriver(fn: string, error: unknown): DatabaseFunctionError {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return new DatabaseFunctionError(fn, message, typeof code === 'string' ? code : undefined, error);
  }
}

/**
 * A function of the local-only migrations (supabase/local/: the simulated market, the demo) was
 * called on a database that does not have them, as a production database never does.
 */
export class LocalMigrationsMissingError extends Error {
  override readonly name = 'LocalMigrationsMissingError';
}

/**
 * Whether `error` says the database has no function `public.<fn>` itself (SQLSTATE 42883, or
 * PostgREST's PGRST202), not that something `fn` calls is missing.
 */
export function isMissingFunction(error: unknown, fn: string): boolean {
  return (
    error instanceof DatabaseFunctionError &&
    error.fn === fn &&
    (error.code === '42883' || error.code === 'PGRST202') &&
    error.message.includes(`public.${fn}`)
  );
}
