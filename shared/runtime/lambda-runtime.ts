import { loadConfig } from '../config/config.ts';
import { createRuntime, type Runtime, type RuntimeParts } from './runtime.ts';
import { readSecretString } from './secrets.ts';

let runtime: Promise<Runtime> | undefined;

/**
 * The Lambdas' runtime, built once per cold start: configuration from the environment, the
 * Supabase service-role key from Secrets Manager when only its secret's id is given. The Lambdas
 * that talk to Google Ads pass its loader (`parts.googleAds`).
 */
export function lambdaRuntime(parts: Pick<RuntimeParts, 'googleAds'> = {}): Promise<Runtime> {
  runtime ??= (async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    const secretId = env.SUPABASE_SERVICE_ROLE_SECRET_ID;
    if (secretId && !env.SUPABASE_SERVICE_ROLE_KEY)
      env.SUPABASE_SERVICE_ROLE_KEY = await readSecretString(secretId);
    return createRuntime(loadConfig(env), parts);
  })();
  runtime.catch(() => {
    runtime = undefined; // a failed start is retried on the next invocation, not cached
  });
  return runtime;
}
