import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime/runtime.ts';
import { releaseRunLease } from './run-lease.repository.ts';
import { holdRunLease } from './run-lease.ts';
import { finishRunRecord, startRunRecord } from './run-log.repository.ts';
import type { StepInput } from './step-input.ts';

export type StepName = 'aggregate' | 'plan' | 'orchestrate';
export type StepCounts = Record<string, unknown>;

/**
 * Runs one step of the nightly pipeline under the date's lease and with a run record: the lease
 * taken or renewed for the execution (another run of the date holding it: wait, then refuse),
 * `running` before, `succeeded` with the step's counts after (`partial` when some budget changes
 * failed), or `failed` with the error's message (then rethrown, so Step Functions retries or
 * catches it). Orchestrate, the last step, gives the lease back; a step called outside an
 * execution holds it only while it runs. Returns the input with the counts under the step's name.
 */
export async function recordedStep(
  runtime: Runtime,
  step: StepName,
  input: StepInput,
  work: (runId: string) => Promise<StepCounts>,
): Promise<StepInput> {
  const executionId = input.execution?.id;
  const holder = executionId ?? `step:${randomUUID()}`;
  const releasesLease = step === 'orchestrate' || executionId === undefined;
  const log = { step, date: input.date, dryRun: input.dryRun, executionId: holder };
  await holdRunLease(runtime, input.date, holder);
  const release = () =>
    releaseRunLease(runtime.db, input.date, holder).catch((error: unknown) =>
      runtime.logger.error('run lease not released (it expires by itself)', { ...log, error }),
    );
  let runId: string | undefined;
  try {
    runId = await startRunRecord(runtime.db, {
      date: input.date,
      step,
      dryRun: input.dryRun,
      executionId: holder,
      startedBy: input.startedBy,
    });
    runtime.logger.info(`${step} started`, { ...log, runId });
    const counts = await work(runId);
    const status = typeof counts.failed === 'number' && counts.failed > 0 ? 'partial' : 'succeeded';
    await finishRunRecord(runtime.db, runId, { status, counts });
    runtime.logger.info(`${step} ${status}`, { ...log, runId, counts });
    if (releasesLease) await release();
    return { ...input, [step]: counts };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runtime.logger.error(`${step} failed`, { ...log, runId, error });
    // The step's own error is what matters: a database too broken to record it must not hide it.
    if (runId)
      await finishRunRecord(runtime.db, runId, { status: 'failed', error: message }).catch(
        (recordError: unknown) =>
          runtime.logger.error(`${step} failure not recorded`, { ...log, error: recordError }),
      );
    // Within an execution the lease stays for Step Functions' retry; RecordFailure gives it back.
    if (executionId === undefined) await release();
    throw error;
  }
}
