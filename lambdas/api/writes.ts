import { createApiHandler } from '../../shared/api/api-handler.ts';
import { loadApiSettings } from '../../shared/api/api-settings.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import { powertoolsLogger } from '../../shared/runtime/powertools.ts';

/** The API's admin writes (segments, target overrides, pause/resume, kill switch). */
export const handler = createApiHandler('writes', {
  settings: loadApiSettings(),
  logger: powertoolsLogger('lfi-api-writes'),
  services: lambdaRuntime,
});
