import { z } from 'zod';
import type { Runtime } from '../runtime/runtime.ts';
import type { StepInput } from './step-input.ts';

export type StepName = 'aggregate' | 'plan' | 'orchestrate';
export type StepCounts = Record<string, unknown>;

/**
 * Runs one step of the nightly pipeline with a run record: `running` before, `succeeded` with
 * the step's counts after, or `failed` with the error's message (then rethrown, so Step
 * Functions retries or catches it). Returns the input with the counts added under the step's name.
 */
export async function recordedStep(
  runtime: Runtime,
  step: StepName,
  input: StepInput,
  work: (runId: string) => Promise<StepCounts>,
): Promise<StepInput> {
  const runId = z.uuid().parse(
    await runtime.db.rpc('lfi_start_run', {
      p_run_date: input.date,
      p_step: step,
      p_dry_run: input.dryRun,
      p_started_by: input.startedBy ?? null,
    }),
  );
  const log = { step, date: input.date, dryRun: input.dryRun, runId };
  runtime.logger.info(`${step} started`, log);
  try {
    const counts = await work(runId);
    await runtime.db.rpc('lfi_finish_run', { p_run_id: runId, p_status: 'succeeded', p_counts: counts });
    runtime.logger.info(`${step} succeeded`, { ...log, counts });
    return { ...input, [step]: counts };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runtime.logger.error(`${step} failed`, { ...log, error });
    // The step's own error is what matters: a database too broken to record it must not hide it.
    await runtime.db
      .rpc('lfi_finish_run', { p_run_id: runId, p_status: 'failed', p_error: message })
      .catch((recordError: unknown) =>
        runtime.logger.error(`${step} failure not recorded`, { ...log, error: recordError }),
      );
    throw error;
  }
}
