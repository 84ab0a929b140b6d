import { z } from 'zod';
import { DEFAULT_TIME_ZONE } from '../domain/business-day.ts';

/**
 * The HTTP API's settings, read once at cold start. The caller's role is read from the claim at
 * `LFI_API_ROLE_CLAIM` (a dotted path into the token's claims; default `app_metadata.role`, which
 * only Supabase's service role can set): reads need one of `LFI_API_READER_ROLES` (default admin
 * and growth) or the admin role, writes the admin role `LFI_API_ADMIN_ROLE` (default admin).
 */
export interface ApiSettings {
  readonly timeZone: string;
  readonly allowedOrigins: readonly string[];
  readonly roleClaim: string;
  readonly adminRole: string;
  readonly readerRoles: readonly string[];
  /** Strict-Transport-Security only where the API is served over HTTPS (AWS), not on localhost. */
  readonly hsts: boolean;
  readonly maxBodyBytes: number;
  /** How long a read response may be served from memory (0: never); see read-cache.ts. */
  readonly readCacheMs: number;
}

export const defaultApiSettings: ApiSettings = {
  timeZone: DEFAULT_TIME_ZONE,
  allowedOrigins: ['http://localhost:8787'],
  roleClaim: 'app_metadata.role',
  adminRole: 'admin',
  readerRoles: ['admin', 'growth'],
  hsts: false,
  maxBodyBytes: 16 * 1024,
  readCacheMs: 5_000,
};

/** Comma-separated origins, blanks dropped: an empty list lets no browser origin call the API. */
export const originList = (protocol: RegExp) =>
  z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol })));

/** Where the role sits in the token's claims, as a dotted path (never through a prototype key). */
export const roleClaimPath = z
  .string()
  .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, 'must be a dotted claim path such as app_metadata.role')
  .refine((path) => !path.split('.').some((key) => ['__proto__', 'constructor', 'prototype'].includes(key)), {
    message: 'must not name __proto__, constructor or prototype',
  });

const roleName = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be role names (letters, digits, _ . : -)');

/** Comma-separated role names, blanks dropped; at least one. */
export const roleList = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((role) => role.trim())
      .filter(Boolean),
  )
  .pipe(z.array(roleName).min(1, 'must name at least one role'));

const apiEnvSchema = z.object({
  LFI_TIME_ZONE: z.string().trim().min(1).default(defaultApiSettings.timeZone),
  LFI_API_ALLOWED_ORIGINS: originList(/^https?$/).default([...defaultApiSettings.allowedOrigins]),
  LFI_API_ROLE_CLAIM: roleClaimPath.default(defaultApiSettings.roleClaim),
  LFI_API_ADMIN_ROLE: roleName.default(defaultApiSettings.adminRole),
  LFI_API_READER_ROLES: roleList.default([...defaultApiSettings.readerRoles]),
  LFI_API_HSTS: z.enum(['true', 'false']).default('false'),
  LFI_API_READ_CACHE_SECONDS: z.coerce
    .number()
    .min(0)
    .max(300)
    .default(defaultApiSettings.readCacheMs / 1000),
});

export function loadApiSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ApiSettings {
  if (env.LFI_API_ADMIN_CLAIM !== undefined) {
    throw new Error(
      'Invalid API configuration: LFI_API_ADMIN_CLAIM is now LFI_API_ROLE_CLAIM (it names the claim for readers too); rename it.',
    );
  }
  const parsed = apiEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Invalid API configuration: ${problems.join('; ')}.`);
  }
  const env_ = parsed.data;
  return {
    ...defaultApiSettings,
    timeZone: env_.LFI_TIME_ZONE,
    allowedOrigins: env_.LFI_API_ALLOWED_ORIGINS,
    roleClaim: env_.LFI_API_ROLE_CLAIM,
    adminRole: env_.LFI_API_ADMIN_ROLE,
    readerRoles: env_.LFI_API_READER_ROLES,
    hsts: env_.LFI_API_HSTS === 'true',
    readCacheMs: env_.LFI_API_READ_CACHE_SECONDS * 1000,
  };
}
