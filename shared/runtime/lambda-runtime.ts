import { loadConfig } from '../config/config.ts';
import { emfMetrics, powertoolsLogger } from './powertools.ts';
import { createRuntime, type Runtime, type RuntimeParts } from './runtime.ts';
import { readSecretString } from './secrets.ts';

let runtime: Promise<Runtime> | undefined;

/**
 * The Lambdas' runtime, built once per cold start: configuration from the environment, the
 * Supabase service-role key from Secrets Manager when only its secret's id is given, Powertools'
 * Logger behind the Logger port and its Metrics (EMF) behind the Metrics port. The Lambdas that
 * talk to Google Ads pass its loader (`parts.googleAds`).
 */
export function lambdaRuntime(parts: Pick<RuntimeParts, 'googleAds'> = {}): Promise<Runtime> {
  runtime ??= (async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    const secretId = env.SUPABASE_SERVICE_ROLE_SECRET_ID;
    if (secretId && !env.SUPABASE_SERVICE_ROLE_KEY)
      env.SUPABASE_SERVICE_ROLE_KEY = await readSecretString(secretId);
    const config = loadConfig(env);
    // POWERTOOLS_SERVICE_NAME is set by the stack on every function.
    const service = env.POWERTOOLS_SERVICE_NAME ?? 'lead-flow-intelligence';
    return createRuntime(config, {
      logger: powertoolsLogger(service, config.LFI_LOG_LEVEL),
      metrics: emfMetrics(service),
      ...parts,
    });
  })();
  runtime.catch(() => {
    runtime = undefined; // a failed start is retried on the next invocation, not cached
  });
  return runtime;
}
