import { z } from 'zod';

/** The claims of an access token (jsonwebtoken, HS256 by default). */
export const TokenClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  jti: z.string().min(1).max(128),
  tenant: z.string().max(64).nullable().optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  /** Set on tokens issued to a third-party client rather than a person. */
  cid: z.string().max(64).optional(),
});

export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

/** The value stored under a token id in the `revoked` KV bucket. */
export const RevokedTokenSchema = z.object({
  /** Epoch seconds when the token would have expired; the entry is useless after it. */
  exp: z.number().int(),
});

export type RevokedToken = z.infer<typeof RevokedTokenSchema>;

/**
 * Every token of one user issued before `before` (epoch seconds) is revoked: written to the
 * `revoked` bucket under userRevocationKey when the user's password changes.
 */
export const UserRevocationSchema = z.object({
  before: z.number().int(),
  /** When the last access token it covers expires; the entry is useless after it. */
  exp: z.number().int(),
});

const USER_REVOCATION_PREFIX = 'user-';

/** The `revoked` bucket key of a user-wide revocation (token ids are UUIDs and never start so). */
export function userRevocationKey(userId: string): string {
  return `${USER_REVOCATION_PREFIX}${userId}`;
}

/** The user of a user-wide revocation key, or undefined for a token id. */
export function userOfRevocationKey(key: string): string | undefined {
  return key.startsWith(USER_REVOCATION_PREFIX) ? key.slice(USER_REVOCATION_PREFIX.length) : undefined;
}
