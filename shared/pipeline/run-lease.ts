import { AppError } from '../runtime/errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { RunLease } from './run-lease.repository.ts';

/**
 * A lease outlives the longest step (a Lambda runs at most 15 minutes) and every step renews it,
 * so it lapses only when its run died: the next run of the date then takes over.
 */
export const runLeaseTtlSeconds = 20 * 60;
const pollMs = 500;

/** Another run of the same date holds the lease. Not retried: the sentence says who and until when. */
export class RunInProgressError extends AppError {
  constructor(date: string, lease: RunLease, waitedSeconds: number) {
    super(
      `Another run of ${date} is in progress: execution ${lease.holder} holds its lease (since ${lease.acquiredAt}, until ${lease.expiresAt}). ` +
        `${waitedSeconds > 0 ? `Waited ${waitedSeconds} s; t` : 'T'}ry again when it has finished, or after the lease expires if that run died.`,
      { code: 'run_in_progress', status: 409 },
    );
  }
}

/**
 * Takes (or renews) the lease of `date` for `holder` with `take` (a step takes it and opens its
 * run record in one call), waiting up to `waitSeconds` (LFI_RUN_LEASE_WAIT_SECONDS) for another
 * run of the date to finish; then refuses with RunInProgressError.
 */
export async function holdRunLease<Lease extends RunLease>(
  runtime: Runtime,
  date: string,
  holder: string,
  take: () => Promise<Lease>,
  waitSeconds = runtime.config.LFI_RUN_LEASE_WAIT_SECONDS,
): Promise<Lease> {
  const waitMs = waitSeconds * 1000;
  const started = Date.now();
  for (;;) {
    const lease = await take();
    if (lease.acquired) {
      if (lease.staleRuns > 0)
        runtime.logger.warn('steps of an earlier run that died were marked stale', {
          date,
          executionId: holder,
          staleRuns: lease.staleRuns,
        });
      return lease;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new RunInProgressError(date, lease, Math.round(waited / 1000));
    runtime.logger.info('waiting for another run of the date to finish', {
      date,
      executionId: holder,
      holder: lease.holder,
    });
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, waitMs - waited)));
  }
}
