/**
 * The one narrow port through which LFI talks to Postgres. Set-based work lives in SQL functions
 * in `supabase/migrations/`; the Lambdas only call them (`rpc`), which every adapter supports,
 * Supabase's PostgREST included. Adapters that can also run SQL directly (embedded PGlite and a
 * PostgreSQL server) implement `SqlDatabase`, used for migrations, demo data and tests.
 */
export type DatabaseKind = 'pglite' | 'postgres' | 'supabase' | 'none';

export type RpcArgs = Readonly<Record<string, unknown>>;

export interface Database {
  readonly kind: DatabaseKind;
  /**
   * Calls `public.<fn>` with named arguments; an undefined argument is left out (its default
   * applies). Objects and arrays are sent as JSON (the SQL parameter is `jsonb`), dates as
   * 'YYYY-MM-DD' strings (a Date as ISO text), numbers, text, booleans and null as they are.
   * The result: a `jsonb` result parsed; null for `void`. Scalars differ by adapter: the SQL
   * adapters give integer as a number and bigint/numeric as exact text, date as a Date at UTC
   * midnight; Supabase (PostgREST) gives bigint/numeric as JSON numbers and dates as text. So
   * return jsonb (with money as text or integer cents) and parse with zod; never trust the shape.
   * A failure throws `DatabaseFunctionError` (database.errors.ts), naming the function, with the
   * SQLSTATE (or PostgREST's PGRSTnnn) as `code`; a passing fault (a broken connection, a server
   * shutting down, a deadlock, a PostgREST 5xx) throws `TransientError` around it, which Step
   * Functions retries (`isTransientDatabaseFailure`).
   */
  rpc(fn: string, args?: RpcArgs): Promise<unknown>;
  close(): Promise<void>;
}

export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

export interface SqlDatabase extends Database, SqlSession {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
}

/**
 * For a process that must not reach a database at all (the docs Lambda has no secret to reach one
 * with): every call is a wiring bug, and says so.
 */
export function noDatabase(owner: string): Database {
  return {
    kind: 'none',
    rpc: (fn) => Promise.reject(new Error(`${owner} has no database, yet called ${fn}.`)),
    close: async () => {},
  };
}

export function isSqlDatabase(db: Database): db is SqlDatabase {
  return db.kind === 'pglite' || db.kind === 'postgres';
}
