import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthorizedError } from './api.errors.ts';
import type { ApiSettings } from './api-settings.ts';
import type { Actor } from './operations.ts';

/**
 * Who the caller is and what they may do, from a token whose signature, issuer and audience were
 * already verified: by API Gateway's JWT authorizer in AWS, by the local server's check locally.
 * Reads need one of the reader roles (or the admin role), writes the admin role; the role is read
 * at the configured claim path (default `app_metadata.role`, which only Supabase's service role can
 * set) and must be a string equal to a role, or an array of strings. Nothing else counts: no text
 * is searched for a role.
 */
export type Claims = Readonly<Record<string, unknown>>;

/** How far a signer's clock may run ahead of ours before a token counts as issued in the future. */
export const issuedAtLeewaySeconds = 60;

/**
 * The claims of the request's bearer token, with their JSON types. API Gateway hands the Lambda
 * the verified claims flattened to strings (a nested object in its own `map[key:value]` rendering,
 * which no parser should guess at), so the claims are read from the token itself; it must be the
 * token the authorizer verified: same subject, issuer, issue and expiry times.
 */
export function tokenClaims(event: APIGatewayProxyEventV2): Claims {
  const verified = (event as Partial<APIGatewayProxyEventV2WithJWTAuthorizer>).requestContext?.authorizer?.jwt
    ?.claims;
  if (!verified) throw new UnauthorizedError();
  const payload = /^Bearer [A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*$/.exec(
    event.headers?.authorization ?? '',
  )?.[1];
  if (!payload) throw new UnauthorizedError();
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new UnauthorizedError();
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new UnauthorizedError();
  const token = claims as Claims;
  for (const name of ['sub', 'iss', 'iat', 'exp']) {
    const mine = token[name];
    const theirs = verified[name];
    if (mine === undefined && theirs === undefined) continue;
    if (mine === undefined || theirs === undefined || String(mine) !== String(theirs))
      throw new UnauthorizedError('The bearer token is not the one that was verified: send it again.');
  }
  return token;
}

/** A token must say when it expires, must not have, and must not claim to be issued in the future. */
export function checkTokenTimes(claims: Claims, nowMs: number): void {
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw new UnauthorizedError('The token has no expiry time (exp): sign in again for one that has.');
  if (exp * 1000 <= nowMs) throw new UnauthorizedError('The token has expired: sign in again.');
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat))
      throw new UnauthorizedError('The token says it was issued at no valid time (iat): sign in again.');
    if ((iat - issuedAtLeewaySeconds) * 1000 > nowMs)
      throw new UnauthorizedError(
        'The token says it was issued in the future (iat): check the clock where it was signed.',
      );
  }
}

const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** The roles at a dotted claim path: a string, or an array of strings; anything else is no role. */
export function rolesAt(claims: Claims, path: string): readonly string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (prototypeKeys.has(key) || value === null || typeof value !== 'object' || Array.isArray(value))
      return [];
    if (!Object.hasOwn(value, key)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((role) => typeof role === 'string')) return value;
  return [];
}

export function actorFromClaims(claims: Claims, settings: ApiSettings): Actor | null {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return null;
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  const roles = rolesAt(claims, settings.roleClaim);
  const isAdmin = roles.includes(settings.adminRole);
  const canRead = isAdmin || roles.some((role) => settings.readerRoles.includes(role));
  return { sub, email, canRead, isAdmin };
}
