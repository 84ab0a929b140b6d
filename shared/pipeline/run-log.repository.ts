import { z } from 'zod';
import type { Database } from '../db/database.port.ts';
import { sqlFunction } from '../db/sql-function.ts';

/** The run record of one step of a night (`lfi_runs`). */
export type RunStatus = 'succeeded' | 'partial' | 'failed';

const startRun = sqlFunction(
  'lfi_start_run',
  { p_run_date: 'date', p_step: 'text', p_dry_run: 'boolean', p_execution_id: 'text', p_started_by: 'text' },
  z.uuid(),
);
const finishRun = sqlFunction(
  'lfi_finish_run',
  { p_run_id: 'uuid', p_status: 'text', p_counts: 'jsonb', p_error: 'text' },
  z.null(),
);

/** Opens a run record (`running`) and returns its id. */
export function startRunRecord(
  db: Database,
  run: {
    readonly date: string;
    readonly step: string;
    readonly dryRun: boolean;
    readonly executionId: string | null;
    readonly startedBy?: string | null;
  },
): Promise<string> {
  return startRun.call(db, {
    p_run_date: run.date,
    p_step: run.step,
    p_dry_run: run.dryRun,
    p_execution_id: run.executionId,
    p_started_by: run.startedBy ?? null,
  });
}

/** Closes a run record with its status, and its counts or its error. */
export async function finishRunRecord(
  db: Database,
  runId: string,
  outcome: { readonly status: RunStatus; readonly counts?: unknown; readonly error?: string },
): Promise<void> {
  await finishRun.call(db, {
    p_run_id: runId,
    p_status: outcome.status,
    p_counts: outcome.counts,
    p_error: outcome.error,
  });
}
