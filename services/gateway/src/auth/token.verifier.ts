import { createSecretKey, type KeyObject } from 'node:crypto';
import { AppError, TokenClaimsSchema, type TokenClaims } from '@jobwire/contracts';
import jwt from 'jsonwebtoken';

export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

export interface TokenVerifier {
  /** Verifies signature, algorithm and expiry; throws AppError with a token key. */
  verify(token: string): TokenClaims;
}

/**
 * Verifies tokens locally. The algorithm is pinned so `alg: none` and tokens signed
 * with another algorithm (e.g. an RS256 public key used as an HMAC secret) are refused.
 */
export function createTokenVerifier(secret: string, algorithm: JwtAlgorithm): TokenVerifier {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'utf8'));
  const options: jwt.VerifyOptions & { complete?: false } = { algorithms: [algorithm] };
  return {
    verify(token) {
      let payload: string | jwt.JwtPayload;
      try {
        payload = jwt.verify(token, key, options);
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw new AppError('AUTH_TOKEN_EXPIRED');
        throw new AppError('AUTH_TOKEN_INVALID');
      }
      const claims = TokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw new AppError('AUTH_TOKEN_INVALID');
      return claims.data;
    },
  };
}
