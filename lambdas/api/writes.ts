import { loadGoogleAds } from '../../shared/ads/google-ads.loader.ts';
import { createApiHandler } from '../../shared/api/api-handler.ts';
import { loadApiSettings } from '../../shared/api/api-settings.ts';
import { type RestoreRequest, restoreNight } from '../../shared/pipeline/restore.ts';
import { stepFunctionsStarter } from '../../shared/pipeline/step-functions.starter.ts';
import { lambdaRuntime } from '../../shared/runtime/lambda-runtime.ts';
import { powertoolsLogger } from '../../shared/runtime/powertools.ts';

const stateMachineArn = process.env.LFI_STATE_MACHINE_ARN;
const nightly = stateMachineArn ? stepFunctionsStarter(stateMachineArn) : undefined;

/**
 * The API's admin writes (segments, target overrides, pause/resume, kill switch), starting the
 * nightly run now (Step Functions StartExecution) and restoring a night (through Google Ads).
 */
export const handler = createApiHandler('writes', {
  settings: loadApiSettings(),
  logger: powertoolsLogger('lfi-api-writes'),
  services: async () => {
    // A restore sends budgets to Google Ads: this Lambda carries its loader, the reads do not.
    const runtime = await lambdaRuntime({ googleAds: loadGoogleAds });
    return {
      db: runtime.db,
      clock: runtime.clock,
      actions: {
        restore: (request: RestoreRequest) => restoreNight(runtime, request),
        ...(nightly ? { nightly } : {}),
      },
    };
  },
});
