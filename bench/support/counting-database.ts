import type { RpcArgs, SqlDatabase, SqlSession } from '../../shared/db/database.port.ts';

/** Database round trips made through a wrapped database, by kind of call. */
export class RoundTripCounter {
  rpc = 0;
  query = 0;
  exec = 0;

  get total(): number {
    return this.rpc + this.query + this.exec;
  }

  reset(): void {
    this.rpc = 0;
    this.query = 0;
    this.exec = 0;
  }
}

export type CountingDatabase = SqlDatabase & { readonly roundTrips: RoundTripCounter };

/**
 * Wraps a database so every rpc/query/exec (inside transactions too) is counted: benchmarks use
 * it to show that a step's database work does not grow with the number of segments.
 */
export function countingDatabase(db: SqlDatabase, roundTrips = new RoundTripCounter()): CountingDatabase {
  const counted = (session: SqlSession): SqlSession => ({
    query<Row>(sql: string, params?: readonly unknown[]) {
      roundTrips.query += 1;
      return session.query<Row>(sql, params);
    },
    exec(sql: string) {
      roundTrips.exec += 1;
      return session.exec(sql);
    },
  });
  return {
    kind: db.kind,
    roundTrips,
    ...counted(db),
    rpc(fn: string, args?: RpcArgs) {
      roundTrips.rpc += 1;
      return db.rpc(fn, args);
    },
    transaction: (work) => db.transaction((tx) => work(counted(tx))),
    close: () => db.close(),
  };
}
