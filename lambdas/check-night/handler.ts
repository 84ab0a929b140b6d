import middy from '@middy/core';
import { checkNight } from '../../shared/pipeline/night-check.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import type { Runtime } from '../../shared/runtime/runtime.ts';

/** Scheduled each morning: alerts when the night of yesterday has not succeeded. */
export const createCheckNightHandler = (runtime: () => Promise<Runtime>) =>
  middy().handler(async () => checkNight(await runtime()));

export const handler = createCheckNightHandler(lambdaRuntime);
