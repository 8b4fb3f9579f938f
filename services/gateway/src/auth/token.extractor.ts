import type { Request } from 'express';

const BEARER = /^Bearer\s+(\S+)$/i;
const TOKEN_HEADER = 'x-authorization-access_token';
const MAX_TOKEN_LENGTH = 4096;

/**
 * Finds the token: `Authorization: Bearer`, the `X-Authorization-access_token` header,
 * or one of the query parameters the route declares (DESIGN §3).
 */
export function extractToken(req: Request, queryNames: readonly string[] | undefined): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = BEARER.exec(authorization);
    if (match?.[1] !== undefined) return bounded(match[1]);
  }
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header !== '') return bounded(header);
  if (queryNames !== undefined) {
    const query = req.query as Record<string, unknown>;
    for (const name of queryNames) {
      const value = query[name];
      if (typeof value === 'string' && value !== '') return bounded(value);
    }
  }
  return undefined;
}

function bounded(token: string): string {
  // An absurdly long token is not worth a signature check; it will fail verification.
  return token.length > MAX_TOKEN_LENGTH ? token.slice(0, MAX_TOKEN_LENGTH) : token;
}
