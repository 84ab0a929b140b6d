import pg from 'pg';
import type { RpcArgs, SqlDatabase, SqlSession } from './database.port.ts';
import { rpcStatement } from './rpc-statement.ts';

/** A PostgreSQL server through `DATABASE_URL` (a local server, or Supabase's pooler). */
export function openPostgres(
  connectionString: string,
  options: { maxConnections?: number } = {},
): SqlDatabase {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 4 });
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
    async rpc(fn: string, args?: RpcArgs) {
      const { sql, params } = rpcStatement(fn, args);
      const [row] = await root.query<{ result: unknown }>(sql, params);
      return row?.result ?? null;
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(session(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
