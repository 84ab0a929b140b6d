import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { withDeadline } from '../runtime/deadline.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { resolveStepInput, type StepInput } from './step-input.ts';

export type StepRunner = (runtime: Runtime, input: StepInput) => Promise<StepInput>;

/**
 * A nightly step as a Lambda handler: validate the input, run the step within the invocation's
 * remaining time, pass the state on.
 */
export function createStepHandler(run: StepRunner, runtime: () => Promise<Runtime>) {
  return middy<unknown, StepInput, Error, Context>().handler(async (event, context) => {
    const rt = await runtime();
    const input = resolveStepInput(event, rt.clock.now(), rt.config.LFI_TIME_ZONE);
    rt.logger.appendKeys({ date: input.date, executionId: input.execution?.id });
    return withDeadline(
      () => context.getRemainingTimeInMillis(),
      () => run(rt, input),
    );
  });
}
