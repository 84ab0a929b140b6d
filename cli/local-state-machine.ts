import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { synthesizeNightlyStateMachine } from '../infra/synthesize.ts';
import { createAggregateHandler } from '../lambdas/aggregate/handler.ts';
import { createOrchestrateHandler } from '../lambdas/orchestrate/handler.ts';
import { createPlanHandler } from '../lambdas/plan/handler.ts';
import { createRecordFailureHandler } from '../lambdas/record-failure/handler.ts';
import { localLambdaContext } from '../shared/runtime/local-lambda-context.ts';
import type { Runtime } from '../shared/runtime/runtime.ts';

export type ExecutionResult =
  | { readonly status: 'SUCCEEDED'; readonly executionId: string; readonly output: Record<string, unknown> }
  | {
      readonly status: 'FAILED';
      readonly executionId: string;
      /** `PartialRun`: the night ran, but some budget changes failed. */
      readonly error: string;
      readonly cause?: string;
      /** The task whose failure ended the execution. */
      readonly step?: string;
    };

interface NightlyStateMachine {
  readonly machine: StateMachine;
  readonly taskStates: Awaited<ReturnType<typeof synthesizeNightlyStateMachine>>['taskStates'];
}

let synthesized: Promise<NightlyStateMachine> | undefined;

/**
 * Synthesizing the CDK app takes about a second and validating its definition a tenth of one:
 * both once per process, not once per night (each run gets its own handlers).
 */
function nightlyStateMachine(): Promise<NightlyStateMachine> {
  synthesized ??= synthesizeNightlyStateMachine().then(({ definition, taskStates }) => ({
    machine: new StateMachine(definition as ConstructorParameters<typeof StateMachine>[0]),
    taskStates,
  }));
  synthesized.catch(() => {
    synthesized = undefined;
  });
  return synthesized;
}

/**
 * Runs the nightly state machine exactly as CDK synthesizes it, with aws-local-stepfunctions:
 * each Task state is mapped to the real Lambda handler (built on this process's runtime, so the
 * configured database), the SNS alert to a log line.
 */
export async function runNightlyLocally(
  runtime: Runtime,
  input: Record<string, unknown>,
  options: {
    /** Wait this long between Step Functions retries instead of the definition's backoff (tests). */
    readonly retryIntervalMs?: number;
    /** The execution's id, when the caller took the date's lease in its name first (local:<name>). */
    readonly executionId?: string;
  } = {},
): Promise<ExecutionResult> {
  const { machine, taskStates } = await nightlyStateMachine();
  const provide = async () => runtime;
  let failedStep: string | undefined;
  const lambda =
    (handler: (event: unknown, context: Context) => Promise<unknown>, name: string) =>
    async (event: unknown) => {
      try {
        return await handler(event, localLambdaContext(`lfi-${name}`, 15 * 60_000));
      } catch (error) {
        failedStep = name;
        throw error;
      }
    };
  const handlers: Record<string, (event: unknown) => Promise<unknown>> = {
    aggregate: lambda(createAggregateHandler(provide), 'aggregate'),
    plan: lambda(createPlanHandler(provide), 'plan'),
    orchestrate: lambda(createOrchestrateHandler(provide), 'orchestrate'),
    'record-failure': lambda(createRecordFailureHandler(provide), 'record-failure'),
    alert: async (event) => {
      runtime.logger.error('alert sent (locally: logged only)', { alert: event });
      return { MessageId: 'local' };
    },
  };
  const localHandlers = Object.fromEntries(
    Object.entries(taskStates).map(([state, role]) => {
      const handler = handlers[role];
      if (!handler) throw new Error(`No local handler for task state ${state} (${role}).`);
      return [state, handler];
    }),
  );
  type Json = Parameters<typeof machine.run>[0];
  // What `$$.Execution.Id` is locally: a run records it (lfi_runs.execution_id) and holds the date's lease with it.
  const executionId = options.executionId ?? `local:${randomUUID()}`;
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(Object.keys(taskStates).map((state) => [state, options.retryIntervalMs ?? 0]));
  // A run on this machine says so in its run records (the schedule in AWS sends no startedBy).
  const execution = machine.run({ startedBy: 'lfi', ...input } as Json, {
    overrides: {
      taskResourceLocalHandlers: localHandlers as Record<string, (input: Json) => Promise<Json>>,
      ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
    },
    context: {
      Execution: { Id: executionId, Name: executionId.slice(6), StartTime: new Date().toISOString() },
    },
  });
  try {
    return { status: 'SUCCEEDED', executionId, output: (await execution.result) as Record<string, unknown> };
  } catch (error) {
    // The Fail state's error and cause are the failing task's, as Step Functions shows them.
    const failure = error as { name?: string; message?: string; cause?: unknown };
    const original = failure.cause instanceof Error ? failure.cause : undefined;
    return {
      status: 'FAILED',
      executionId,
      error: original?.name ?? failure.name ?? 'Error',
      cause: original?.message ?? failure.message,
      ...(failedStep ? { step: failedStep } : {}),
    };
  }
}
