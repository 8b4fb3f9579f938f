import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { RevokedTokenSchema, TokenClaimsSchema, UserRevocationSchema, userRevocationKey, type TokenClaims, type TokenPair } from '@jobwire/contracts';
import type { KV } from '@nats-io/kv';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { SingleUseStore } from '../kv/single-use.store.js';

/** One refresh token: whose, until when, and the rotation family it belongs to. */
export const RefreshEntrySchema = z.object({
  userId: z.string(),
  tenant: z.string().nullable(),
  exp: z.number().int(),
  family: z.string().default(''),
  clientId: z.string().optional(),
});
export type RefreshEntry = z.output<typeof RefreshEntrySchema>;

const FamilySchema = z.object({ jtis: z.array(z.string()), current: z.string() });
const SpentSchema = z.object({ family: z.string() });

export interface IssuedTokens extends TokenPair {
  jti: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

export type SpendResult = { entry: RefreshEntry } | { reused: true } | undefined;

export interface TokenIssuer {
  /** An access token and a refresh token; `family` continues a rotation chain. */
  issue(subject: { userId: string; tenant: string | null }, options?: { family?: string; clientId?: string }): Promise<IssuedTokens>;
  /** An access token alone, for a third-party client (client credentials). */
  issueClientToken(clientId: string): Promise<{ accessToken: string; expiresIn: number }>;
  /**
   * Spends a refresh token once. A token already spent is reuse, the sign of a stolen
   * token: every access token of its rotation family is revoked and the family's live
   * refresh token is deleted, so both the thief and the owner must log in again.
   */
  spendRefresh(refreshToken: string): Promise<SpendResult>;
  /** Signature (pinned algorithm), expiry and revocation of an access token. */
  check(accessToken: string): Promise<TokenClaims | undefined>;
  /**
   * Revokes every access and refresh token of the user issued before this second: the
   * gateways refuse its access tokens (they watch the `revoked` bucket) and spendRefresh
   * refuses its refresh tokens. Tokens issued in the same second stay valid.
   */
  revokeUser(userId: string): Promise<void>;
}

/** Refresh tokens are stored by their hash, so the bucket never holds a usable token. */
/** What a NATS KV key may hold; anything else makes a lookup throw. */
const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

export function refreshKey(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex');
}
const familyKey = (family: string) => `f.${family}`;
/** In the refresh bucket (which lives as long as refresh tokens): refresh tokens issued before `before` are refused. */
const userMarkerKey = (userId: string) => `u.${userId}`;
const UserMarkerSchema = z.object({ before: z.number().int() });
const spentKey = (hash: string) => `s.${hash}`;
/** Access tokens remembered per family for revocation on reuse. */
const FAMILY_MEMORY = 20;

export function createTokenIssuer(options: {
  secret: string;
  algorithm: 'HS256' | 'HS384' | 'HS512';
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  refreshStore: SingleUseStore<RefreshEntry>;
  /** The same bucket as refreshStore, for family records and spent markers. */
  refreshKv: KV;
  revokedKv: KV;
}): TokenIssuer {
  const key: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const sign = (claims: Record<string, unknown>) => {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + options.accessTtlSeconds;
    return { token: jwt.sign({ ...claims, jti, iat: now, exp }, key, { algorithm: options.algorithm }), jti, exp };
  };
  const readJson = async <S extends z.ZodType>(k: string, schema: S): Promise<z.output<S> | undefined> => {
    const entry = await options.refreshKv.get(k);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const parsed = schema.safeParse(entry.json());
    return parsed.success ? parsed.data : undefined;
  };

  return {
    async issue({ userId, tenant }, issueOptions = {}) {
      const access = sign({ sub: userId, tenant });
      const refreshToken = randomBytes(32).toString('base64url');
      const hash = refreshKey(refreshToken);
      const family = issueOptions.family ?? randomUUID();
      const now = Math.floor(Date.now() / 1000);
      await options.refreshStore.put(hash, { userId, tenant, exp: now + options.refreshTtlSeconds, family, ...(issueOptions.clientId === undefined ? {} : { clientId: issueOptions.clientId }) });
      // A new family has no record yet: skip the read on every fresh login.
      const previous = issueOptions.family === undefined ? undefined : await readJson(familyKey(family), FamilySchema);
      const jtis = [...(previous?.jtis ?? []), access.jti].slice(-FAMILY_MEMORY);
      await options.refreshKv.put(familyKey(family), JSON.stringify({ jtis, current: hash }));
      return { accessToken: access.token, expiredTime: String(access.exp * 1000), refreshToken, jti: access.jti, expiresIn: options.accessTtlSeconds };
    },
    async issueClientToken(clientId) {
      const access = sign({ sub: `c:${clientId}`, cid: clientId, tenant: null });
      return { accessToken: access.token, expiresIn: options.accessTtlSeconds };
    },
    async spendRefresh(refreshToken) {
      const hash = refreshKey(refreshToken);
      const entry = await options.refreshStore.take(hash);
      if (entry !== undefined) {
        await options.refreshKv.put(spentKey(hash), JSON.stringify({ family: entry.family }));
        if (entry.exp * 1000 <= Date.now()) return undefined;
        const marker = await readJson(userMarkerKey(entry.userId), UserMarkerSchema);
        const issuedAt = entry.exp - options.refreshTtlSeconds;
        return marker !== undefined && issuedAt < marker.before ? undefined : { entry };
      }
      const spent = await readJson(spentKey(hash), SpentSchema);
      if (spent === undefined || spent.family === '') return undefined;
      const family = await readJson(familyKey(spent.family), FamilySchema);
      if (family !== undefined) {
        const exp = Math.floor(Date.now() / 1000) + options.accessTtlSeconds;
        await Promise.all(family.jtis.map((jti) => options.revokedKv.put(jti, JSON.stringify({ exp }))));
        await options.refreshStore.take(family.current);
        await options.refreshKv.delete(familyKey(spent.family));
      }
      return { reused: true };
    },
    async check(accessToken) {
      let payload: unknown;
      try {
        payload = jwt.verify(accessToken, key, { algorithms: [options.algorithm] });
      } catch {
        return undefined;
      }
      const claims = TokenClaimsSchema.safeParse(payload);
      if (!claims.success) return undefined;
      // A client token's subject (`c:<client>`) is no user and no valid key: it has no user-wide mark.
      const userKey = userRevocationKey(claims.data.sub);
      const [revoked, userWide] = await Promise.all([
        KV_KEY.test(claims.data.jti) ? options.revokedKv.get(claims.data.jti) : null,
        KV_KEY.test(userKey) ? options.revokedKv.get(userKey) : null,
      ]);
      if (revoked !== null && revoked.operation === 'PUT' && RevokedTokenSchema.safeParse(revoked.json()).success) return undefined;
      if (userWide !== null && userWide.operation === 'PUT') {
        const parsed = UserRevocationSchema.safeParse(userWide.json());
        if (parsed.success && claims.data.iat < parsed.data.before) return undefined;
      }
      return claims.data;
    },
    async revokeUser(userId) {
      const before = Math.floor(Date.now() / 1000);
      // The refresh marker first: once the access tokens are refused, none can be renewed.
      await options.refreshKv.put(userMarkerKey(userId), JSON.stringify({ before }));
      await options.revokedKv.put(userRevocationKey(userId), JSON.stringify({ before, exp: before + options.accessTtlSeconds }));
    },
  };
}
