import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Runtime } from '../runtime/runtime.ts';
import { resolveStepInput, type StepInput } from './step-input.ts';

export type StepRunner = (runtime: Runtime, input: StepInput) => Promise<StepInput>;

/** A nightly step as a Lambda handler: validate the input, run the step, pass the state on. */
export function createStepHandler(run: StepRunner, runtime: () => Promise<Runtime>) {
  return middy<unknown, StepInput, Error, Context>().handler(async (event) => {
    const rt = await runtime();
    return run(rt, resolveStepInput(event, rt.clock.now(), rt.config.LFI_TIME_ZONE));
  });
}
