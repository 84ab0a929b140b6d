import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../config/config.ts';
import { readSecretString } from './secrets.ts';

const text = (field: string) =>
  z
    .string({ error: `${field} is missing or not a string` })
    .trim()
    .min(1, { error: `${field} is empty` });

/**
 * The Google Ads credentials: one JSON document, the same shape in Secrets Manager and in a
 * local file. Errors name the field at fault, never a value.
 */
export const googleAdsCredentialsSchema = z.object({
  developer_token: text('developer_token'),
  client_id: text('client_id'),
  client_secret: text('client_secret'),
  refresh_token: text('refresh_token'),
  // Written with or without dashes in the Google Ads UI; the API wants ten digits.
  login_customer_id: text('login_customer_id')
    .transform((id) => id.replaceAll('-', ''))
    .pipe(
      z
        .string()
        .regex(/^\d{10}$/, { error: 'login_customer_id must be ten digits (the manager account id)' }),
    ),
});

export type GoogleAdsCredentials = z.infer<typeof googleAdsCredentialsSchema>;

export function parseGoogleAdsCredentials(json: string, source: string): GoogleAdsCredentials {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse's own message quotes the text, which is secret.
    throw new ConfigError(`Google Ads credentials in ${source} are not valid JSON.`);
  }
  return validate(value, source);
}

function validate(value: unknown, source: string): GoogleAdsCredentials {
  const parsed = googleAdsCredentialsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length === 0 ? 'expected a JSON object' : issue.message,
  );
  throw new ConfigError(
    `Google Ads credentials in ${source} are invalid: ${[...new Set(problems)].join('; ')}.`,
  );
}

/** From Secrets Manager: read once per cold start and cached with a TTL by readSecretString. */
export async function googleAdsCredentialsFromSecret(secretId: string): Promise<GoogleAdsCredentials> {
  return parseGoogleAdsCredentials(await readSecretString(secretId), `secret ${secretId}`);
}

/** From a local JSON file (`lfi run --credentials FILE`). */
export async function googleAdsCredentialsFromFile(path: string): Promise<GoogleAdsCredentials> {
  let json: string;
  try {
    json = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      `Cannot read the Google Ads credentials file ${path} (${String(code ?? 'error')}).`,
    );
  }
  return parseGoogleAdsCredentials(json, `file ${path}`);
}

const envNames = {
  developer_token: 'GOOGLE_ADS_DEVELOPER_TOKEN',
  client_id: 'GOOGLE_ADS_CLIENT_ID',
  client_secret: 'GOOGLE_ADS_CLIENT_SECRET',
  refresh_token: 'GOOGLE_ADS_REFRESH_TOKEN',
  login_customer_id: 'GOOGLE_ADS_LOGIN_CUSTOMER_ID',
} as const;

/** From GOOGLE_ADS_* environment variables (local runs); errors name the variable. */
export function googleAdsCredentialsFromEnv(env: Readonly<Record<string, unknown>>): GoogleAdsCredentials {
  const parsed = googleAdsCredentialsSchema.safeParse(
    Object.fromEntries(Object.entries(envNames).map(([field, name]) => [field, env[name]])),
  );
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  const names = fields.map((field) => envNames[field as keyof typeof envNames] ?? field);
  throw new ConfigError(`Google Ads credentials from the environment are invalid: set ${names.join(', ')}.`);
}

/** Whether any GOOGLE_ADS_* credential variable is set (then all must be). */
export const hasGoogleAdsCredentialsInEnv = (env: Readonly<Record<string, unknown>>): boolean =>
  Object.values(envNames).some((name) => typeof env[name] === 'string' && String(env[name]).trim() !== '');
