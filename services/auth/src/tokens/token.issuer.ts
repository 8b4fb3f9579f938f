import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { TokenPair } from '@jobwire/contracts';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { SingleUseStore } from '../kv/single-use.store.js';

export const RefreshEntrySchema = z.object({ userId: z.string(), tenant: z.string().nullable(), exp: z.number().int() });
export type RefreshEntry = z.output<typeof RefreshEntrySchema>;

export interface TokenIssuer {
  issue(subject: { userId: string; tenant: string | null }): Promise<TokenPair & { jti: string }>;
  /** Spends a refresh token: its entry once, then never again. */
  spendRefresh(refreshToken: string): Promise<RefreshEntry | undefined>;
}

/** Refresh tokens are stored by their hash, so the bucket never holds a usable token. */
export function refreshKey(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
}

export function createTokenIssuer(options: {
  secret: string;
  algorithm: 'HS256' | 'HS384' | 'HS512';
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  refreshStore: SingleUseStore<RefreshEntry>;
}): TokenIssuer {
  const key: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'));
  return {
    async issue({ userId, tenant }) {
      const jti = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const exp = now + options.accessTtlSeconds;
      const accessToken = jwt.sign({ sub: userId, jti, tenant, iat: now, exp }, key, { algorithm: options.algorithm });
      const refreshToken = randomBytes(32).toString('base64url');
      await options.refreshStore.put(refreshKey(refreshToken), { userId, tenant, exp: now + options.refreshTtlSeconds });
      return { accessToken, expiredTime: String(exp * 1000), refreshToken, jti };
    },
    async spendRefresh(refreshToken) {
      const entry = await options.refreshStore.take(refreshKey(refreshToken));
      if (entry === undefined || entry.exp * 1000 <= Date.now()) return undefined;
      return entry;
    },
  };
}
