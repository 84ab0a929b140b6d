import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../shared/api/api.errors.ts';
import { defaultApiSettings } from '../../../shared/api/api-settings.ts';
import { actorFromClaims, checkTokenTimes, rolesAt, tokenClaims } from '../../../shared/api/auth.ts';

const now = Date.parse('2026-12-02T12:00:00Z');
const nowSeconds = now / 1000;

describe('reading the roles from a token', () => {
  it('reads a role from a nested claim object, as the token carries it', () => {
    expect(rolesAt({ app_metadata: { role: 'admin' } }, 'app_metadata.role')).toEqual(['admin']);
  });

  it('reads a list of roles when the claim is an array of strings', () => {
    expect(rolesAt({ roles: ['growth', 'admin'] }, 'roles')).toEqual(['growth', 'admin']);
  });

  it.each([
    ["API Gateway's Go-style rendering of the object", { app_metadata: 'map[provider:email role:admin]' }],
    ['a Java-style rendering of the object', { app_metadata: '{provider=email, role=admin}' }],
    ['the object as JSON text', { app_metadata: '{"role":"admin"}' }],
    ['a number', { app_metadata: { role: 1 } }],
    ['an object', { app_metadata: { role: { admin: true } } }],
    ['an array with something other than strings in it', { app_metadata: { role: ['admin', 1] } }],
    ['null', { app_metadata: { role: null } }],
  ])('reads no role from %s', (_, claims) => {
    expect(rolesAt(claims, 'app_metadata.role')).toEqual([]);
  });

  it('never follows inherited properties such as __proto__ or constructor', () => {
    expect(rolesAt({ app_metadata: {} }, 'app_metadata.constructor')).toEqual([]);
    expect(rolesAt(JSON.parse('{"__proto__": {"role": "admin"}}'), '__proto__.role')).toEqual([]);
    expect(rolesAt({}, '__proto__.role')).toEqual([]);
  });
});

describe('who may read and who may write', () => {
  const claims = (role: unknown) => ({ sub: 'u1', email: 'a@b.nl', app_metadata: { role } });

  it('lets an admin read and write', () => {
    expect(actorFromClaims(claims('admin'), defaultApiSettings)).toEqual({
      sub: 'u1',
      email: 'a@b.nl',
      canRead: true,
      isAdmin: true,
    });
  });

  it('lets the growth team read but not write', () => {
    expect(actorFromClaims(claims('growth'), defaultApiSettings)).toMatchObject({
      canRead: true,
      isAdmin: false,
    });
  });

  it('gives a signed-in platform customer neither', () => {
    expect(actorFromClaims({ sub: 'customer-1', role: 'authenticated' }, defaultApiSettings)).toMatchObject({
      canRead: false,
      isAdmin: false,
    });
  });

  it.each([
    ['a sentence that mentions the role', 'x role:admin'],
    ['the role with spaces around it', ' admin '],
    ['the role in capitals', 'ADMIN'],
    ['the roles as one comma-separated string', 'growth,admin'],
  ])('takes only a role spelled exactly: not %s', (_, role) => {
    expect(actorFromClaims(claims(role), defaultApiSettings)).toMatchObject({
      canRead: false,
      isAdmin: false,
    });
  });

  it('reads with the configured reader roles; the admin role always reads', () => {
    const settings = { ...defaultApiSettings, readerRoles: ['analyst'] };
    expect(actorFromClaims(claims('analyst'), settings)?.canRead).toBe(true);
    expect(actorFromClaims(claims('growth'), settings)?.canRead).toBe(false);
    expect(actorFromClaims(claims('admin'), settings)?.canRead).toBe(true);
  });

  it('has no caller without a subject', () => {
    expect(actorFromClaims({ email: 'a@b.nl' }, defaultApiSettings)).toBeNull();
    expect(actorFromClaims({ sub: '' }, defaultApiSettings)).toBeNull();
  });
});

describe('the times a token carries', () => {
  it('accepts a token issued now that expires later', () => {
    expect(() => checkTokenTimes({ iat: nowSeconds, exp: nowSeconds + 3600 }, now)).not.toThrow();
  });

  it.each([
    ['without exp', { iat: nowSeconds }, /no expiry/],
    ['with exp as text', { iat: nowSeconds, exp: String(nowSeconds + 3600) }, /no expiry/],
    ['that has expired', { iat: nowSeconds - 7200, exp: nowSeconds - 120 }, /expired/],
    ['issued in the future', { iat: nowSeconds + 300, exp: nowSeconds + 3600 }, /future/],
    ['with iat as text', { iat: String(nowSeconds), exp: nowSeconds + 3600 }, /issued/],
  ])('refuses a token %s with a 401', (_, claims, message) => {
    const error = (() => {
      try {
        checkTokenTimes(claims, now);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).message).toMatch(message);
  });

  it('allows a clock a little ahead where the token was signed', () => {
    expect(() => checkTokenTimes({ iat: nowSeconds + 30, exp: nowSeconds + 3600 }, now)).not.toThrow();
  });
});

describe("the claims of the token API Gateway's authorizer verified", () => {
  const payload = {
    sub: 'u1',
    iss: 'https://project.supabase.co/auth/v1',
    iat: nowSeconds,
    exp: nowSeconds + 3600,
    app_metadata: { provider: 'email', role: 'growth' },
  };
  const token = (claims: object) =>
    `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
  // API Gateway passes claims as strings, a nested object in its own rendering.
  const flattened = {
    sub: 'u1',
    iss: payload.iss,
    iat: String(payload.iat),
    exp: String(payload.exp),
    app_metadata: 'map[provider:email role:growth]',
  };
  const event = (authorization: string | undefined, claims: Record<string, string> | undefined) =>
    ({
      headers: authorization ? { authorization } : {},
      requestContext: claims ? { authorizer: { jwt: { claims, scopes: null } } } : {},
    }) as unknown as APIGatewayProxyEventV2;

  it('reads them from the bearer token, with their JSON types', () => {
    expect(tokenClaims(event(`Bearer ${token(payload)}`, flattened))).toEqual(payload);
  });

  it('refuses a request no authorizer checked', () => {
    expect(() => tokenClaims(event(`Bearer ${token(payload)}`, undefined))).toThrow(UnauthorizedError);
  });

  it('refuses a bearer token other than the one the authorizer verified', () => {
    const other = token({ ...payload, sub: 'someone-else' });
    expect(() => tokenClaims(event(`Bearer ${other}`, flattened))).toThrow(UnauthorizedError);
    expect(() => tokenClaims(event(undefined, flattened))).toThrow(UnauthorizedError);
    expect(() => tokenClaims(event('Bearer not-a-token', flattened))).toThrow(UnauthorizedError);
  });
});
