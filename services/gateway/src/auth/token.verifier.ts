import { createSecretKey, type KeyObject } from 'node:crypto';
import { AppError, TokenClaimsSchema, type TokenClaims } from '@jobwire/contracts';
import jwt from 'jsonwebtoken';

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

export interface TokenVerifier {
  /** Verifies signature, algorithm and expiry; throws AppError with a token key. */
  verify(token: string): TokenClaims;
  /** How many verified tokens are remembered. */
  cachedCount(): number;
}

/** Verified tokens remembered, so a client's repeated calls skip the signature check. */
const DEFAULT_CACHE_SIZE = 10_000;

/**
 * Verifies tokens locally. The algorithm is pinned so `alg: none` and tokens signed
 * with another algorithm (e.g. an RS256 public key used as an HMAC secret) are refused.
 *
 * A token that passed the full check is remembered with its claims: the same string
 * always verifies the same way, so later calls only re-check the expiry. Revocation is
 * checked by the caller on every request, cached or not. Only verified tokens enter the
 * cache, so garbage cannot evict them faster than real clients add them.
 */
export function createTokenVerifier(secret: string, algorithm: JwtAlgorithm, options: { cacheSize?: number } = {}): TokenVerifier {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'utf8'));
  const verifyOptions: jwt.VerifyOptions & { complete?: false } = { algorithms: [algorithm] };
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const verified = new Map<string, TokenClaims>();

  const verifyFully = (token: string): TokenClaims => {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, verifyOptions);
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new AppError('AUTH_TOKEN_EXPIRED');
      throw new AppError('AUTH_TOKEN_INVALID');
    }
    const claims = TokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AppError('AUTH_TOKEN_INVALID');
    return claims.data;
  };

  return {
    verify(token) {
      const known = verified.get(token);
      if (known !== undefined) {
        if (known.exp * 1000 > Date.now()) return known;
        verified.delete(token);
        throw new AppError('AUTH_TOKEN_EXPIRED');
      }
      const claims = verifyFully(token);
      if (cacheSize > 0) {
        // Oldest first out: Map keeps insertion order.
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, claims);
      }
      return claims;
    },
    cachedCount: () => verified.size,
  };
}
