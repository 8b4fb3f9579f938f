import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from './token.verifier.js';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const sign = (claims: object, options: jwt.SignOptions = {}) => jwt.sign({ sub: '1', jti: 'j1', ...claims }, secret, { algorithm: 'HS256', expiresIn: 60, ...options });

describe('createTokenVerifier', () => {
  it('returns the claims of a valid token, from the cache the second time', () => {
    const verifier = createTokenVerifier(secret, 'HS256');
    const token = sign({ tenant: 't1' });
    const first = verifier.verify(token);
    expect(first).toMatchObject({ sub: '1', jti: 'j1', tenant: 't1' });
    expect(verifier.verify(token)).toBe(first);
  });

  it('when a cached token expires, then it is refused as expired', () => {
    const verifier = createTokenVerifier(secret, 'HS256');
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ sub: '1', jti: 'j2', iat: now - 10, exp: now + 3 }, secret, { algorithm: 'HS256' });
    expect(verifier.verify(token).sub).toBe('1');
    const realNow = Date.now;
    Date.now = () => realNow() + 5000;
    try {
      expect(() => verifier.verify(token)).toThrow(expect.objectContaining({ key: 'AUTH_TOKEN_EXPIRED' }));
    } finally {
      Date.now = realNow;
    }
  });

  it('refuses another algorithm, another key and a tampered payload even after a valid token was cached', () => {
    const verifier = createTokenVerifier(secret, 'HS256');
    verifier.verify(sign({}));
    expect(() => verifier.verify(sign({}, { algorithm: 'HS512' }))).toThrow(expect.objectContaining({ key: 'AUTH_TOKEN_INVALID' }));
    expect(() => verifier.verify(jwt.sign({ sub: '1', jti: 'j' }, `${secret}-other`, { algorithm: 'HS256' }))).toThrow(expect.objectContaining({ key: 'AUTH_TOKEN_INVALID' }));
    const [h, , s] = sign({}).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: '2', jti: 'j1', exp: 9999999999 })).toString('base64url')}.${s}`;
    expect(() => verifier.verify(forged)).toThrow(expect.objectContaining({ key: 'AUTH_TOKEN_INVALID' }));
  });

  it('keeps at most cacheSize tokens', () => {
    const verifier = createTokenVerifier(secret, 'HS256', { cacheSize: 2 });
    const tokens = ['a', 'b', 'c'].map((jti) => sign({ jti }));
    for (const token of tokens) verifier.verify(token);
    expect(verifier.cachedCount()).toBe(2);
    // Still valid after eviction: verified again in full.
    expect(verifier.verify(tokens[0]!).jti).toBe('a');
  });
});
