import { mkdir } from 'node:fs/promises';
import { PGlite, type PGliteInterface, type Transaction } from '@electric-sql/pglite';
import type { RpcArgs, SqlDatabase, SqlSession } from './database.port.ts';
import { runRpc } from './rpc-statement.ts';
import { alignedParsers } from './type-parsers.ts';

/** The embedded default: real Postgres in WebAssembly, persisted in a folder (or in memory). */
export async function openPglite(dataDir?: string): Promise<SqlDatabase> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  return wrapPglite(await PGlite.create(dataDir ? { dataDir } : {}));
}

export function wrapPglite(pg: PGliteInterface): SqlDatabase {
  const session = (target: PGliteInterface | Transaction): SqlSession => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<Row>(sql, [...params], { parsers: alignedParsers });
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  });
  const root = session(pg);
  return {
    kind: 'pglite',
    ...root,
    rpc: (fn: string, args?: RpcArgs) => runRpc(root, fn, args),
    transaction: (work) => pg.transaction((tx) => work(session(tx))),
    close: () => pg.close(),
  };
}
