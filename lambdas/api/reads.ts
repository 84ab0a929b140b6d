import { createApiHandler } from '../../shared/api/api-handler.ts';
import { loadApiSettings } from '../../shared/api/api-settings.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import { powertoolsLogger } from '../../shared/runtime/powertools.ts';

/** The API's read routes (segments, stats, plans, decisions, overrides, orchestration status). */
export const handler = createApiHandler('reads', {
  settings: loadApiSettings(),
  logger: powertoolsLogger('lfi-api-reads'),
  services: lambdaRuntime,
});
