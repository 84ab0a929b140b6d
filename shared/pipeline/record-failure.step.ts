import { z } from 'zod';
import type { Runtime } from '../runtime/runtime.ts';
import { endStepRecord, startRunRecord } from './run-log.repository.ts';
import type { StepInput } from './step-input.ts';

// Step Functions' Catch puts { Error, Cause } under the catcher's ResultPath ($.error).
const caughtSchema = z.object({ Error: z.string().default('Error'), Cause: z.string().optional() });

/**
 * Records a failed nightly run (a `pipeline` run row and a system log entry) and returns the
 * alert's text. The failing step has usually recorded its own failure; this also covers a
 * Lambda that timed out or crashed before it could.
 */
export async function recordPipelineFailure(runtime: Runtime, input: StepInput): Promise<StepInput> {
  const caught = caughtSchema.safeParse(input.error);
  const error = caught.success ? caught.data : { Error: 'Error', Cause: undefined };
  const cause = causeMessage(error.Cause);
  // PartialRun: the night ran, but some budget changes failed (the state machine's ChangesFailed).
  const partial = error.Error === 'PartialRun';
  const outcome = partial ? 'was partial' : 'failed';
  const message =
    `LFI nightly run for ${input.date} ${outcome}: ${error.Error}${cause ? ` — ${cause}` : ''}`.slice(
      0,
      1000,
    );
  const runId = await startRunRecord(runtime.db, {
    date: input.date,
    step: 'pipeline',
    dryRun: input.dryRun,
    executionId: input.execution?.id ?? null,
  });
  // The execution ends here: the date is free for the next run.
  await endStepRecord(runtime.db, runId, {
    status: partial ? 'partial' : 'failed',
    error: message,
    log: [
      {
        level: partial ? 'warn' : 'error',
        source: 'pipeline',
        message,
        context: { run_id: runId, run_date: input.date, execution_id: input.execution?.id ?? null },
      },
    ],
    releaseLease: true,
  });
  return {
    ...input,
    alert: { subject: `LFI nightly run ${partial ? 'partial' : 'failed'} (${input.date})`, message },
  };
}

/** A Lambda error's Cause is JSON with an errorMessage; anything else is shown as it is. */
function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
