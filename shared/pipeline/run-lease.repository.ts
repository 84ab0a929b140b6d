import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';

export const leaseSchema = z.object({
  acquired: z.boolean(),
  holder: z.string(),
  acquired_at: z.string(),
  expires_at: z.string(),
  stale_runs: z.number().int().optional(),
});

const acquire = sqlFunction(
  'lfi_acquire_run_lease',
  { p_run_date: 'date', p_holder: 'text', p_ttl_seconds: 'integer' },
  leaseSchema,
);
const release = sqlFunction('lfi_release_run_lease', { p_run_date: 'date', p_holder: 'text' }, z.null());

export interface RunLease {
  readonly acquired: boolean;
  /** Who holds the lease now (this caller when acquired). */
  readonly holder: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  /** Run rows of the date found `running` and marked stale (when acquired). */
  readonly staleRuns: number;
}

/** `lfi_acquire_run_lease`: takes or renews the lease of a date; never waits. */
export async function acquireRunLease(
  db: Database,
  lease: { readonly date: string; readonly holder: string; readonly ttlSeconds: number },
): Promise<RunLease> {
  return runLeaseFrom(
    await acquire.call(db, {
      p_run_date: lease.date,
      p_holder: lease.holder,
      p_ttl_seconds: lease.ttlSeconds,
    }),
  );
}

export const runLeaseFrom = (row: z.infer<typeof leaseSchema>): RunLease => ({
  acquired: row.acquired,
  holder: row.holder,
  acquiredAt: row.acquired_at,
  expiresAt: row.expires_at,
  staleRuns: row.stale_runs ?? 0,
});

export async function releaseRunLease(db: Database, date: string, holder: string): Promise<void> {
  await release.call(db, { p_run_date: date, p_holder: holder });
}
