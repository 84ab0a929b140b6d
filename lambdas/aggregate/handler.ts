import { loadGoogleAds } from '../../shared/ads/google-ads.loader.ts';
import { runAggregateStep } from '../../shared/pipeline/aggregate.step.ts';
import { createStepHandler } from '../../shared/pipeline/step-handler.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import type { Runtime } from '../../shared/runtime/runtime.ts';

/** The Aggregate step of the nightly state machine. */
export const createAggregateHandler = (runtime: () => Promise<Runtime>) =>
  createStepHandler(runAggregateStep, runtime);

export const handler = createAggregateHandler(() => lambdaRuntime({ googleAds: loadGoogleAds }));
