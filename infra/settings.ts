import type { Construct } from 'constructs';
import { z } from 'zod';
import { defaultApiSettings, originList, roleClaimPath, roleList } from '../shared/api/api-settings.ts';
import { isTimeZone } from '../shared/domain/business-day.ts';

/**
 * Deployment settings, read once from CDK context (`cdk.json` "context" or `-c lfi:key=value`).
 * Each has a default so `cdk synth` works with none given; a bad value fails naming its key.
 */
const contextKeys = {
  supabaseUrl: 'lfi:supabaseUrl',
  adsChannel: 'lfi:adsChannel',
  sandbox: 'lfi:sandbox',
  alertEmail: 'lfi:alertEmail',
  googleAdsSecretName: 'lfi:googleAdsSecretName',
  supabaseServiceRoleSecretName: 'lfi:supabaseServiceRoleSecretName',
  timeZone: 'lfi:timeZone',
  scheduleEnabled: 'lfi:scheduleEnabled',
  apiJwtIssuer: 'lfi:apiJwtIssuer',
  apiJwtAudience: 'lfi:apiJwtAudience',
  dashboardOrigins: 'lfi:dashboardOrigins',
  roleClaim: 'lfi:roleClaim',
  readerRoles: 'lfi:readerRoles',
  supabaseAnonKey: 'lfi:supabaseAnonKey',
  dashboardUrl: 'lfi:dashboardUrl',
  missingRunHour: 'lfi:missingRunHour',
} as const;

const secretName = z.string().regex(/^[\w/+=.@-]{1,512}$/, 'must be a Secrets Manager secret name');

// `-c` passes strings, cdk.json passes JSON: accept both spellings of a boolean.
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

const settingsSchema = z
  .object({
    // Absent: the stack asks for it as the SupabaseUrl parameter at deploy time instead.
    supabaseUrl: z.url({ protocol: /^https$/ }).optional(),
    adsChannel: z.enum(['google-ads', 'simulated']).default('google-ads'),
    // A sandbox stack (its own Supabase project, no real leads): the only kind that may run the
    // simulated market, which inserts leads and decides their statuses.
    sandbox: flag.default(false),
    alertEmail: z.email().optional(),
    googleAdsSecretName: secretName.default('lfi/google-ads'),
    supabaseServiceRoleSecretName: secretName.default('lfi/supabase-service-role-key'),
    timeZone: z
      .string()
      .default('Europe/Amsterdam')
      .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Amsterdam' }),
    scheduleEnabled: flag.default(true),
    // Supabase Auth's issuer; absent: derived from the Supabase URL (`<url>/auth/v1`).
    apiJwtIssuer: z.url({ protocol: /^https$/ }).optional(),
    apiJwtAudience: z.string().min(1).default('authenticated'),
    // Origins allowed to call the API from a browser, comma-separated; the dashboard served by the
    // API itself is same-origin and needs none.
    dashboardOrigins: originList(/^https$/).default([]),
    // The claim that carries the caller's role, and the roles that may read (the admin role always may).
    roleClaim: roleClaimPath.default(defaultApiSettings.roleClaim),
    readerRoles: roleList.default([...defaultApiSettings.readerRoles]),
    // Public by design (the browser holds it); absent: asked for at deploy time.
    supabaseAnonKey: z.string().min(1).optional(),
    // Where alerts link to (a segment is `<url>#/segment/<id>`); absent: the HTTP API's URL, which
    // serves the dashboard at `/`.
    dashboardUrl: z.url({ protocol: /^https$/ }).optional(),
    // The hour (business time) by which a night must have succeeded, else the morning check alerts.
    missingRunHour: z.coerce
      .number()
      .int()
      .min(2, { message: 'must be a whole hour from 2 to 23 (the night starts at 01:00)' })
      .max(23, { message: 'must be a whole hour from 2 to 23 (the night starts at 01:00)' })
      .default(7),
  })
  .refine((settings) => settings.adsChannel !== 'simulated' || settings.sandbox, {
    path: ['adsChannel'],
    message:
      'deploys the simulated ads market, which writes leads into the database: only a sandbox stack may, so set lfi:sandbox=true as well (and apply the local-only migrations there with `lfi migrate --local`)',
  });

export type LfiSettings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The settings from a construct tree's context; throws a SettingsError naming each bad key. */
export function readSettings(scope: Construct): LfiSettings {
  if (scope.node.tryGetContext('lfi:adminClaim') !== undefined) {
    throw new SettingsError(
      'Invalid CDK context: lfi:adminClaim is now lfi:roleClaim (it names the claim for readers too); rename it.',
    );
  }
  const raw = Object.fromEntries(
    Object.entries(contextKeys).map(([setting, key]) => [setting, scope.node.tryGetContext(key)]),
  );
  return parseSettings(raw);
}

export function parseSettings(raw: Record<string, unknown>): LfiSettings {
  const parsed = settingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const setting = String(issue.path[0]);
    const key = contextKeys[setting as keyof typeof contextKeys] ?? setting;
    return `context value ${key}=${JSON.stringify(raw[setting])} ${issue.message}`;
  });
  throw new SettingsError(`Invalid CDK context: ${problems.join('; ')}.`);
}
