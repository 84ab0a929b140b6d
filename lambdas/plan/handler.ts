import { runPlanStep } from '../../shared/pipeline/plan.step.ts';
import { createStepHandler } from '../../shared/pipeline/step-handler.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import type { Runtime } from '../../shared/runtime/runtime.ts';

/** The Plan step of the nightly state machine. */
export const createPlanHandler = (runtime: () => Promise<Runtime>) => createStepHandler(runPlanStep, runtime);

export const handler = createPlanHandler(lambdaRuntime);
