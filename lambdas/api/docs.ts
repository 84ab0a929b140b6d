import { createApiHandler } from '../../shared/api/api-handler.ts';
import { loadApiSettings } from '../../shared/api/api-settings.ts';
import { powertoolsLogger } from '../../shared/runtime/powertools.ts';

/** The OpenAPI document, and the answer for paths no route serves. No data, so no database and no secret. */
export const handler = createApiHandler('docs', {
  settings: loadApiSettings(),
  logger: powertoolsLogger('lfi-api-docs'),
});
