/**
 * A WeCom server API on loopback for tests: `gettoken` and `auth/getuserinfo` with the
 * error codes the real API uses. Codes are single use, as at WeCom.
 */
import { createServer } from 'node:http';

export interface FakeWecom {
  apiBase: string;
  corpId: string;
  secret: string;
  /** A fresh login code for a WeCom user id. */
  issueCode(userId: string): string;
  /** Makes the next getuserinfo calls answer these error codes first. */
  queueErrors(...errcodes: number[]): void;
  /** Makes the current access token count as expired (WeCom then answers 42001). */
  expireToken(): void;
  tokenRequests(): number;
  stop(): Promise<void>;
}

export async function startFakeWecom(): Promise<FakeWecom> {
  const corpId = 'ww-test-corp';
  const secret = 'test-corp-secret';
  const codes = new Map<string, string>();
  const queued: number[] = [];
  let validToken = '';
  let tokenCount = 0;
  let codeCount = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (body: object) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/cgi-bin/gettoken') {
      if (url.searchParams.get('corpid') !== corpId || url.searchParams.get('corpsecret') !== secret) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      tokenCount += 1;
      validToken = `token-${tokenCount}`;
      return reply({ errcode: 0, errmsg: 'ok', access_token: validToken, expires_in: 7200 });
    }
    if (url.pathname === '/cgi-bin/auth/getuserinfo') {
      const queuedError = queued.shift();
      if (queuedError !== undefined) return reply({ errcode: queuedError, errmsg: 'queued error' });
      const token = url.searchParams.get('access_token');
      if (token !== validToken) return reply({ errcode: 42001, errmsg: 'access_token expired' });
      const code = url.searchParams.get('code') ?? '';
      const userId = codes.get(code);
      if (userId === undefined) return reply({ errcode: 40029, errmsg: 'invalid code' });
      codes.delete(code);
      return reply({ errcode: 0, errmsg: 'ok', userid: userId });
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    apiBase: `http://127.0.0.1:${port}/cgi-bin`,
    corpId,
    secret,
    issueCode(userId) {
      codeCount += 1;
      const code = `code-${codeCount}`;
      codes.set(code, userId);
      return code;
    },
    queueErrors: (...errcodes) => void queued.push(...errcodes),
    expireToken() {
      validToken = 'expired';
    },
    tokenRequests: () => tokenCount,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
