import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';
import { leaseSchema, type RunLease, runLeaseFrom } from './run-lease.repository.ts';
import { type SystemLogEntry, systemLogLine } from './system-log.ts';

/** The run record of one step of a night (`lfi_runs`). */
export type RunStatus = 'succeeded' | 'partial' | 'failed';

const startRun = sqlFunction(
  'lfi_start_run',
  { p_run_date: 'date', p_step: 'text', p_dry_run: 'boolean', p_execution_id: 'text', p_started_by: 'text' },
  z.uuid(),
);
const beginStep = sqlFunction(
  'lfi_begin_step',
  {
    p_run_date: 'date',
    p_step: 'text',
    p_dry_run: 'boolean',
    p_holder: 'text',
    p_ttl_seconds: 'integer',
    p_started_by: 'text',
  },
  leaseSchema.extend({ run_id: z.uuid().optional() }),
);
const endStep = sqlFunction(
  'lfi_end_step',
  {
    p_run_id: 'uuid',
    p_status: 'text',
    p_counts: 'jsonb',
    p_error: 'text',
    p_log: 'jsonb',
    p_release_lease: 'boolean',
  },
  z.null(),
);

interface RunToRecord {
  readonly date: string;
  readonly step: string;
  readonly dryRun: boolean;
  readonly startedBy?: string | null;
}

/** Opens a run record (`running`) without a lease (RecordFailure: the execution holds it already). */
export function startRunRecord(
  db: Database,
  run: RunToRecord & { readonly executionId: string | null },
): Promise<string> {
  return startRun.call(db, {
    p_run_date: run.date,
    p_step: run.step,
    p_dry_run: run.dryRun,
    p_execution_id: run.executionId,
    p_started_by: run.startedBy ?? null,
  });
}

/**
 * Takes (or renews) the date's lease for `holder` and, when it is taken, opens the step's run
 * record: one round trip. Not taken: the lease names who holds it, and no record is opened.
 */
export async function beginStepRecord(
  db: Database,
  run: RunToRecord & { readonly holder: string; readonly ttlSeconds: number },
): Promise<RunLease & { readonly runId: string | undefined }> {
  const row = await beginStep.call(db, {
    p_run_date: run.date,
    p_step: run.step,
    p_dry_run: run.dryRun,
    p_holder: run.holder,
    p_ttl_seconds: run.ttlSeconds,
    p_started_by: run.startedBy ?? null,
  });
  return { ...runLeaseFrom(row), runId: row.run_id };
}

/**
 * Closes a run record with its status and its counts or error, writes the step's system-log lines,
 * and gives the date's lease back when asked (the holder being the run's execution): one round
 * trip, so the record and its log lines land together.
 */
export async function endStepRecord(
  db: Database,
  runId: string,
  outcome: {
    readonly status: RunStatus;
    readonly counts?: unknown;
    readonly error?: string;
    readonly log?: readonly SystemLogEntry[];
    readonly releaseLease?: boolean;
  },
): Promise<void> {
  await endStep.call(db, {
    p_run_id: runId,
    p_status: outcome.status,
    p_counts: outcome.counts,
    p_error: outcome.error,
    p_log: (outcome.log ?? []).map(systemLogLine),
    p_release_lease: outcome.releaseLease ?? false,
  });
}
