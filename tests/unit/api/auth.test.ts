import { describe, expect, it } from 'vitest';
import { defaultApiSettings } from '../../../shared/api/api-settings.ts';
import { actorFromClaims, claimAt } from '../../../shared/api/auth.ts';

describe('reading the caller from token claims', () => {
  it('reads the admin role from a nested claim object (the local server and plain JWT payloads)', () => {
    const actor = actorFromClaims(
      { sub: 'u1', email: 'a@b.nl', app_metadata: { role: 'admin' } },
      defaultApiSettings,
    );
    expect(actor).toEqual({ sub: 'u1', email: 'a@b.nl', isAdmin: true });
  });

  it.each([
    ['JSON text', '{"provider":"email","role":"admin"}'],
    ['a Go-style map rendering', 'map[provider:email role:admin]'],
    ['a Java-style map rendering', '{provider=email, role=admin}'],
  ])('reads the admin role from a nested claim API Gateway passed as %s', (_, text) => {
    expect(claimAt({ app_metadata: text }, 'app_metadata.role')).toBe('admin');
  });

  it('does not take a role that only appears inside another key', () => {
    expect(claimAt({ app_metadata: 'map[other_role:admin]' }, 'app_metadata.role')).toBeUndefined();
  });

  it('treats a token without the admin role as a plain user', () => {
    expect(
      actorFromClaims({ sub: 'u2', app_metadata: { role: 'viewer' } }, defaultApiSettings)?.isAdmin,
    ).toBe(false);
  });

  it('accepts the role in a list when the claim is an array', () => {
    const settings = { ...defaultApiSettings, adminClaim: 'roles' };
    expect(actorFromClaims({ sub: 'u3', roles: ['viewer', 'admin'] }, settings)?.isAdmin).toBe(true);
  });

  it('has no caller without a subject', () => {
    expect(actorFromClaims({ email: 'a@b.nl' }, defaultApiSettings)).toBeNull();
    expect(actorFromClaims(undefined, defaultApiSettings)).toBeNull();
  });
});
