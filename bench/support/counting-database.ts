import type { RpcArgs, SqlDatabase, SqlSession } from '../../shared/db/database.port.ts';

/** A database that counts its round trips; set `roundTrips` to 0 to start a new count. */
export type CountingDatabase = SqlDatabase & { roundTrips: number };

/**
 * Wraps a database so every rpc/query/exec (inside transactions too) is counted: benchmarks use
 * it to show that a step's database work does not grow with the number of segments.
 */
export function countingDatabase(db: SqlDatabase): CountingDatabase {
  const counted = (session: SqlSession): SqlSession => ({
    query<Row>(sql: string, params?: readonly unknown[]) {
      counting.roundTrips += 1;
      return session.query<Row>(sql, params);
    },
    exec(sql: string) {
      counting.roundTrips += 1;
      return session.exec(sql);
    },
  });
  const counting: CountingDatabase = {
    kind: db.kind,
    roundTrips: 0,
    ...counted(db),
    rpc(fn: string, args?: RpcArgs) {
      counting.roundTrips += 1;
      return db.rpc(fn, args);
    },
    transaction: (work) => db.transaction((tx) => work(counted(tx))),
    close: () => db.close(),
  };
  return counting;
}
