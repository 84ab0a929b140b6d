import { loadGoogleAds } from '../../shared/ads/google-ads.loader.ts';
import { runOrchestrateStep } from '../../shared/pipeline/orchestrate.step.ts';
import { createStepHandler } from '../../shared/pipeline/step-handler.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import type { Runtime } from '../../shared/runtime/runtime.ts';

/** The Orchestrate step of the nightly state machine. */
export const createOrchestrateHandler = (runtime: () => Promise<Runtime>) =>
  createStepHandler(runOrchestrateStep, runtime);

export const handler = createOrchestrateHandler(() => lambdaRuntime({ googleAds: loadGoogleAds }));
