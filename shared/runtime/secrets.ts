import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const client = new SecretsManagerClient({});
const cache = new Map<string, { value: string; expires: number }>();
const ttlMs = 5 * 60_000;

/** A secret's string, cached for five minutes so warm invocations make no call. Never logged. */
export async function readSecretString(secretId: string, now = Date.now()): Promise<string> {
  const cached = cache.get(secretId);
  if (cached && cached.expires > now) return cached.value;
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error(`Secret ${secretId} has no string value.`);
  cache.set(secretId, { value: SecretString, expires: now + ttlMs });
  return SecretString;
}
