import { randomUUID } from 'node:crypto';
import type { Runtime } from '../runtime/runtime.ts';
import { releaseRunLease } from './run-lease.repository.ts';
import { holdRunLease, runLeaseTtlSeconds } from './run-lease.ts';
import { beginStepRecord, endStepRecord } from './run-log.repository.ts';
import type { StepInput } from './step-input.ts';
import { orchestrationSummary, type SystemLogEntry, writeSystemLog } from './system-log.ts';

export type StepName = 'aggregate' | 'plan' | 'orchestrate';
export type StepCounts = Record<string, unknown>;

/**
 * Runs one step of the nightly pipeline under the date's lease and with a run record: the lease
 * taken or renewed for the execution (another run of the date holding it: wait, then refuse),
 * `running` before, `succeeded` with the step's counts after (`partial` when some budget changes
 * failed), or `failed` with the error's message (then rethrown, so Step Functions retries or
 * catches it). Orchestrate, the last step, gives the lease back; a step called outside an
 * execution holds it only while it runs. The bookkeeping is one round trip at each end (lease and
 * record in, record, log lines and lease out). Returns the input with the counts under the step's
 * name.
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
  // Every line the step writes, down to one segment's, carries the step's correlation ids.
  runtime.logger.appendKeys({ step, date: input.date, executionId: holder, runId: undefined });
  const { runId } = await holdRunLease(runtime, input.date, holder, () =>
    beginStepRecord(runtime.db, {
      date: input.date,
      step,
      dryRun: input.dryRun,
      holder,
      ttlSeconds: runLeaseTtlSeconds,
      startedBy: input.startedBy,
    }),
  );
  if (runId === undefined)
    throw new Error(`lfi_begin_step took the lease of ${input.date} but opened no run`);
  try {
    runtime.logger.appendKeys({ runId });
    runtime.logger.info(`${step} started`, { ...log, runId });
    const counts = await work(runId);
    const status = typeof counts.failed === 'number' && counts.failed > 0 ? 'partial' : 'succeeded';
    const context = { run_id: runId, run_date: input.date, execution_id: holder, counts };
    const lines: SystemLogEntry[] = [];
    if (status === 'partial')
      lines.push({
        level: 'warn',
        source: `pipeline.${step}`,
        message: `${counts.failed} budget change(s) failed for ${input.date}`,
        context,
      });
    if (step === 'orchestrate')
      lines.push({
        level: 'info',
        source: 'orchestrate',
        message: orchestrationSummary(input.date, input.dryRun, counts),
        context,
      });
    await endStepRecord(runtime.db, runId, { status, counts, log: lines, releaseLease: releasesLease });
    runtime.logger.info(`${step} ${status}`, { ...log, runId, counts });
    return { ...input, [step]: counts };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runtime.logger.error(`${step} failed`, { ...log, runId, error });
    // Within an execution the lease stays for Step Functions' retry; RecordFailure gives it back.
    const releaseLease = executionId === undefined;
    const line: SystemLogEntry = {
      level: 'error',
      source: `pipeline.${step}`,
      message,
      context: { run_id: runId, run_date: input.date, execution_id: holder },
    };
    // The step's own error is what matters: a database too broken to record it must not hide it.
    const recorded = await endStepRecord(runtime.db, runId, {
      status: 'failed',
      error: message,
      log: [line],
      releaseLease,
    }).then(
      () => true,
      (recordError: unknown) => {
        runtime.logger.error(`${step} failure not recorded`, { ...log, error: recordError });
        return false;
      },
    );
    if (!recorded) {
      await writeSystemLog(runtime, line);
      if (releaseLease)
        await releaseRunLease(runtime.db, input.date, holder).catch((releaseError: unknown) =>
          runtime.logger.error('run lease not released (it expires by itself)', {
            ...log,
            error: releaseError,
          }),
        );
    }
    throw error;
  } finally {
    // What the step measured goes out with it, even when it failed half-way.
    runtime.metrics.publish();
  }
}
