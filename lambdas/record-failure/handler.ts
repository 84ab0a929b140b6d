import { recordPipelineFailure } from '../../shared/pipeline/record-failure.step.ts';
import { createStepHandler } from '../../shared/pipeline/step-handler.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import type { Runtime } from '../../shared/runtime/runtime.ts';

/** Reached through the state machine's Catch: records the failed run and words the alert. */
export const createRecordFailureHandler = (runtime: () => Promise<Runtime>) =>
  createStepHandler(recordPipelineFailure, runtime);

export const handler = createRecordFailureHandler(lambdaRuntime);
