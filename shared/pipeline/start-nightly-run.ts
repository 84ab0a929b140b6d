import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.port.ts';
import { AppError } from '../runtime/errors.ts';
import type { NightlyRunStarter } from './nightly-run.port.ts';
import { acquireRunLease, releaseRunLease } from './run-lease.repository.ts';
import { runLeaseTtlSeconds } from './run-lease.ts';

/** A run of the date holds its lease: nothing is started. */
export class RunAlreadyInProgressError extends AppError {
  constructor(date: string, holder: string, expiresAt: string) {
    super(
      `A run of ${date} is in progress: execution ${holder} holds its lease (until ${expiresAt}); nothing was started, wait for it to finish.`,
      { code: 'run_in_progress', status: 409 },
    );
  }
}

export interface StartedRun {
  readonly date: string;
  readonly executionId: string;
  readonly startedBy: string;
}

/**
 * Starts the nightly run of `date` now: the date's lease taken first in the new execution's name
 * (the run then renews it as its own), refused with a sentence while another run holds it, and
 * given back if the start itself fails.
 */
export async function startNightlyRun(
  db: Database,
  starter: NightlyRunStarter,
  request: { readonly date: string; readonly startedBy: string },
): Promise<StartedRun> {
  const { date, startedBy } = request;
  // Step Functions execution names: up to 80 of [A-Za-z0-9-_].
  const name = `${date}-manual-${randomUUID()}`;
  const holder = starter.executionIdFor(name);
  const lease = await acquireRunLease(db, { date, holder, ttlSeconds: runLeaseTtlSeconds });
  if (!lease.acquired) throw new RunAlreadyInProgressError(date, lease.holder, lease.expiresAt);
  try {
    const { executionId } = await starter.start({ name, input: { date, startedBy } });
    // Another id than announced would leave the lease to nobody: give it back, the run takes it.
    if (executionId !== holder) await releaseRunLease(db, date, holder);
    return { date, executionId, startedBy };
  } catch (error) {
    await releaseRunLease(db, date, holder);
    throw error;
  }
}
