import { isMissingFunction, LocalMigrationsMissingError } from './database.errors.ts';
import type { Database, RpcArgs } from './database.port.ts';

/**
 * Calls a function of the local-only migrations (supabase/local/). On a database without them it
 * fails with one sentence saying what to do, instead of "function does not exist".
 */
export async function rpcLocalOnly(
  db: Database,
  feature: string,
  fn: string,
  args?: RpcArgs,
): Promise<unknown> {
  try {
    return await db.rpc(fn, args);
  } catch (error) {
    if (!isMissingFunction(error, fn)) throw error;
    throw new LocalMigrationsMissingError(
      `${feature} is not installed in this database: run \`lfi migrate --local\` to add the local-only migrations (supabase/local/), and never on a production database.`,
      { cause: error },
    );
  }
}
