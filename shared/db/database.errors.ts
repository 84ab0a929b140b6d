import { TransientError } from '../runtime/errors.ts';

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

/** What a failed database call told us: its SQLSTATE or PostgREST code, HTTP status, message. */
export interface DatabaseFailure {
  readonly code?: string | undefined;
  /** PostgREST's HTTP status; 0 when the request never got an answer. */
  readonly status?: number | undefined;
  readonly message?: string | undefined;
  readonly cause?: unknown;
}

// SQLSTATE 08 (connection exception), 53 (insufficient resources), 57P01–57P03 (the server shut
// down or cannot take connections now), 40001 and 40P01 (serialization failure, deadlock): the same
// call can succeed a moment later. PGRST000–PGRST003: PostgREST could not reach the database or
// get a connection from its pool in time.
const transientSqlStates = /^(08...|53...|57P0[123]|40001|40P01|PGRST00[0-3])$/;
const transientSystemCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// node-postgres reports a connection the server closed only in words.
const transientMessages =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|fetch failed|aborted due to timeout|TimeoutError|AbortError/i;

/**
 * Whether a failed call is worth retrying as it is: a connection that broke or could not be made,
 * a server out of resources or shutting down, a serialization failure or deadlock, a PostgREST
 * 502/503/504 or a request that got no answer (status 0, a timeout). Anything else (a constraint,
 * a bad argument, a missing function) fails the same way every time.
 */
export function isTransientDatabaseFailure(failure: DatabaseFailure): boolean {
  if (failure.code && transientSqlStates.test(failure.code)) return true;
  if (failure.status === 0 || failure.status === 502 || failure.status === 503 || failure.status === 504)
    return true;
  if (failure.message && transientMessages.test(failure.message)) return true;
  for (let e = failure.cause, depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { code, name, message, cause } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && (transientSystemCodes.has(code) || transientSqlStates.test(code)))
      return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (typeof message === 'string' && transientMessages.test(message)) return true;
    e = cause;
  }
  return false;
}

/**
 * The error a failed call through `Database.rpc` throws: a `TransientError` (Step Functions
 * retries it by name) around the `DatabaseFunctionError` when the fault is passing, else the
 * `DatabaseFunctionError` itself.
 */
export function databaseCallError(
  error: DatabaseFunctionError,
  failure: Omit<DatabaseFailure, 'code'> = {},
): DatabaseFunctionError | TransientError {
  const transient = isTransientDatabaseFailure({
    code: error.code,
    message: error.message,
    cause: error.cause,
    ...failure,
  });
  return transient ? new TransientError(`${error.message} (a passing fault: retried)`, error) : error;
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
