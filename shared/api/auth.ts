import type { ApiSettings } from './api-settings.ts';
import type { Actor } from './operations.ts';

/**
 * Who the caller is, from the claims of a token that was already verified: by API Gateway's JWT
 * authorizer in AWS, by the local server's check locally. `sub` identifies the caller; the admin
 * role is read at the configured claim path (default `app_metadata.role`).
 */
export type Claims = Readonly<Record<string, unknown>>;

export function actorFromClaims(claims: Claims | undefined, settings: ApiSettings): Actor | null {
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub === '') return null;
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : null;
  const role = claimAt(claims, settings.adminClaim);
  const isAdmin = Array.isArray(role) ? role.includes(settings.adminRole) : role === settings.adminRole;
  return { sub, email, isAdmin };
}

/**
 * Reads a dotted claim path. API Gateway hands nested claims to the Lambda as strings: JSON, or
 * (depending on the claim) a rendering like `map[role:admin]` or `{role=admin}`; all three are read.
 */
export function claimAt(claims: Claims, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (typeof value === 'string') value = nestedFromString(value, key);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    } else return undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

function nestedFromString(text: string, key: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.hasOwn(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
    }
  } catch {
    // not JSON: try the map renderings below
  }
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^map\\[|^\\{|[\\s,])${escaped}[:=]([^\\s,\\]}]+)`).exec(text);
  return match?.[1];
}
