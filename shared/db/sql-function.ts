import type { z } from 'zod';
import { isMissingFunction, LocalMigrationsMissingError } from './database.errors.ts';
import type { Database } from './database.port.ts';

/** The Postgres argument types LFI's SQL functions take, as `format_type` names them. */
type PgType = 'jsonb' | 'text' | 'integer' | 'bigint' | 'numeric' | 'date' | 'boolean' | 'uuid';

/** What a caller may pass for an argument of each type (null is SQL null). */
interface PgArgument {
  jsonb: unknown;
  text: string;
  integer: number;
  bigint: number | string;
  numeric: string | number;
  date: string;
  boolean: boolean;
  uuid: string;
}

type Arguments<Signature extends Record<string, PgType>> = {
  readonly [Name in keyof Signature]: PgArgument[Signature[Name]] | null | undefined;
};

/** One of LFI's SQL functions: its name, its arguments' names and types, and its result's schema. */
export interface SqlFunction<Signature extends Record<string, PgType>, Result> {
  readonly name: string;
  readonly signature: Signature;
  /**
   * The feature a local-only function (supabase/local/) belongs to; such a function exists only
   * where `lfi migrate --local` ran, and a call elsewhere fails with a sentence saying so.
   */
  readonly localOnly: string | undefined;
  call(db: Database, args: Arguments<Signature>): Promise<Result>;
}

/** Every function declared, for the test that checks each against the live schema (pg_proc). */
export const sqlFunctions: SqlFunction<Record<string, PgType>, unknown>[] = [];

/**
 * Declares a SQL function of `public` once, in the repository that owns it: callers get typed
 * arguments and a parsed result, never a string name. `undefined` leaves an argument out (its
 * default applies).
 */
export function sqlFunction<const Signature extends Record<string, PgType>, Result extends z.ZodType>(
  name: string,
  signature: Signature,
  result: Result,
  options: { readonly localOnly?: string } = {},
): SqlFunction<Signature, z.infer<Result>> {
  const fn: SqlFunction<Signature, z.infer<Result>> = {
    name,
    signature,
    localOnly: options.localOnly,
    call: async (db, args) => result.parse(await rpc(db, name, args, options.localOnly)),
  };
  sqlFunctions.push(fn as unknown as SqlFunction<Record<string, PgType>, unknown>);
  return fn;
}

async function rpc(
  db: Database,
  name: string,
  args: object,
  localOnly: string | undefined,
): Promise<unknown> {
  try {
    return await db.rpc(name, args as Record<string, unknown>);
  } catch (error) {
    if (localOnly === undefined || !isMissingFunction(error, name)) throw error;
    throw new LocalMigrationsMissingError(
      `${localOnly} is not installed in this database: run \`lfi migrate --local\` to add the local-only migrations (supabase/local/), and never on a production database.`,
      { cause: error },
    );
  }
}
