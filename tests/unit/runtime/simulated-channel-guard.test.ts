import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/config.ts';
import { lambdaRuntime } from '../../../shared/runtime/lambda-runtime.ts';

// AWS Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment.
const inLambda = { AWS_LAMBDA_FUNCTION_NAME: 'lfi-aggregate' };

describe('the simulated ads channel outside this machine', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is refused in AWS Lambda without LFI_SANDBOX=true, with a sentence naming both variables', () => {
    for (const env of [
      { LFI_ADS_CHANNEL: 'simulated' },
      {},
      { LFI_ADS_CHANNEL: 'simulated', LFI_SANDBOX: 'false' },
    ]) {
      expect(() => loadConfig({ ...inLambda, ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ ...inLambda, ...env })).toThrow(
        /^LFI_ADS_CHANNEL=simulated is refused in AWS Lambda unless LFI_SANDBOX=true: /,
      );
    }
  });

  it('runs in a sandbox Lambda, on this machine, and Google Ads runs anywhere', () => {
    expect(loadConfig({ ...inLambda, LFI_ADS_CHANNEL: 'simulated', LFI_SANDBOX: 'true' })).toMatchObject({
      LFI_ADS_CHANNEL: 'simulated',
      LFI_SANDBOX: true,
    });
    expect(loadConfig({ LFI_ADS_CHANNEL: 'simulated' })).toMatchObject({ LFI_SANDBOX: false });
    expect(loadConfig({ ...inLambda, LFI_ADS_CHANNEL: 'google-ads' })).toMatchObject({
      LFI_ADS_CHANNEL: 'google-ads',
    });
  });

  it('rejects a sandbox flag that is not true or false, naming it', () => {
    expect(() => loadConfig({ LFI_SANDBOX: 'yes' })).toThrow(/LFI_SANDBOX/);
  });

  it("fails the Lambda runtime's cold start before it opens any database", async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'lfi-aggregate');
    vi.stubEnv('LFI_ADS_CHANNEL', 'simulated');
    vi.stubEnv('LFI_SANDBOX', '');
    vi.stubEnv('DATABASE_URL', 'postgres://nobody@127.0.0.1:1/never');
    vi.stubEnv('SUPABASE_SERVICE_ROLE_SECRET_ID', '');

    await expect(lambdaRuntime()).rejects.toThrow(/LFI_ADS_CHANNEL=simulated is refused in AWS Lambda/);
  });
});
