import { type CryptoKey, errors, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { UnauthorizedError } from './api.errors.ts';

/**
 * Local stand-in for Supabase Auth and API Gateway's JWT authorizer: an ES256 key pair made at
 * start, tokens signed with it, and the same checks API Gateway makes (signature, issuer,
 * audience, expiry). Tokens from another run of the server are forged as far as this one knows.
 */
export interface LocalAuth {
  readonly issuer: string;
  readonly audience: string;
  /** `expiresIn: null` signs a token without `exp`; an `iat` among the claims is kept (tests make bad tokens). */
  sign(claims: JWTPayload, options?: { expiresIn?: string | number | null }): Promise<string>;
  /** The verified claims, or an UnauthorizedError saying what was wrong. */
  verify(authorization: string | undefined): Promise<JWTPayload>;
}

export async function createLocalAuth(issuer = 'lfi-local', audience = 'authenticated'): Promise<LocalAuth> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  // Verified tokens are remembered until they expire, as API Gateway's authorizer caches them.
  const verified = new Map<string, JWTPayload>();
  return {
    issuer,
    audience,
    sign: (claims, options = {}) =>
      sign(privateKey, issuer, audience, claims, options.expiresIn === undefined ? '12h' : options.expiresIn),
    async verify(authorization) {
      const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(
        authorization ?? '',
      )?.[1];
      if (!token) throw new UnauthorizedError();
      const known = verified.get(token);
      if (known && (known.exp ?? 0) * 1000 > Date.now()) return known;
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer, audience, algorithms: ['ES256'] });
        if (verified.size >= 1000) verified.clear();
        verified.set(token, payload);
        return payload;
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new UnauthorizedError('The token has expired: sign in again.');
        throw new UnauthorizedError('The token is not valid here: sign in again.');
      }
    },
  };
}

function sign(
  key: CryptoKey,
  issuer: string,
  audience: string,
  claims: JWTPayload,
  expiresIn: string | number | null,
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(claims.iat);
  return (expiresIn === null ? jwt : jwt.setExpirationTime(expiresIn)).sign(key);
}
