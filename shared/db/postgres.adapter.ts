import pg from 'pg';
import type { RpcArgs, SqlDatabase, SqlSession } from './database.port.ts';
import { runRpc } from './rpc-statement.ts';
import { alignedParsers } from './type-parsers.ts';

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    alignedParsers[oid] ?? pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A PostgreSQL server through `DATABASE_URL` (a local server, or Supabase's pooler). */
export function openPostgres(
  connectionString: string,
  options: { maxConnections?: number; connectTimeoutMs?: number } = {},
): SqlDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 4,
    types,
    ...(options.connectTimeoutMs === undefined ? {} : { connectionTimeoutMillis: options.connectTimeoutMs }),
  });
  // An idle connection that dies (server restart, pooler timeout) is dropped by the pool and the
  // next query opens a new one; without a listener the 'error' event would crash the process.
  pool.on('error', () => {});
  const session = (target: pg.Pool | pg.PoolClient): SqlSession => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query(sql, [...params]);
      return result.rows as Row[];
    },
    async exec(sql: string) {
      await target.query(sql);
    },
  });
  const root = session(pool);
  return {
    kind: 'postgres',
    ...root,
    rpc: (fn: string, args?: RpcArgs) => runRpc(root, fn, args),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await work(session(client));
        await client.query('commit');
        return result;
      } catch (error) {
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          // The connection is unusable: destroy it rather than return it to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
