import { AppError } from '@jobwire/contracts';
import type { Logger } from 'pino';
import { z } from 'zod';

const TokenReplySchema = z.object({ errcode: z.number().int(), errmsg: z.string().optional(), access_token: z.string().optional(), expires_in: z.number().int().optional() });
const UserInfoReplySchema = z.object({ errcode: z.number().int(), errmsg: z.string().optional(), userid: z.string().optional(), UserId: z.string().optional() });

/** WeCom error codes the client acts on. */
const ERR_BUSY = -1;
const ERR_TOKEN_INVALID = 40014;
const ERR_TOKEN_EXPIRED = 42001;
const BUSY_RETRIES = 3;
/** Renew the access token this long before WeCom says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

export interface WecomClient {
  /** The WeCom user id behind an OAuth code (each code works once at WeCom). */
  userIdForCode(code: string): Promise<string>;
}

export interface WecomOptions {
  apiBase: string;
  corpId: string;
  secret: string;
  timeoutMs: number;
  logger: Logger;
  /** Backoff base between busy retries. */
  retryDelayMs?: number;
}

/**
 * A client for the WeCom server API: `gettoken` with the corp id and secret (cached until
 * shortly before it expires, renewed when WeCom says it is invalid or expired) and
 * `auth/getuserinfo` for a login code, retried with backoff while WeCom reports busy.
 */
export function createWecomClient(options: WecomOptions): WecomClient {
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const base = options.apiBase.replace(/\/$/, '');
  const delay = options.retryDelayMs ?? 100;

  const getJson = async (path: string, params: Record<string, string>): Promise<unknown> => {
    const url = `${base}${path}?${new URLSearchParams(params).toString()}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw new AppError('AUTH_WECOM_FAILED', 'WeCom did not answer; try again.', { cause: error });
    }
    if (!response.ok) throw new AppError('AUTH_WECOM_FAILED', `WeCom answered HTTP ${response.status}; try again.`);
    return response.json();
  };

  const fetchToken = async (): Promise<string> => {
    for (let attempt = 0; ; attempt += 1) {
      const reply = TokenReplySchema.parse(await getJson('/gettoken', { corpid: options.corpId, corpsecret: options.secret }));
      if (reply.errcode === 0 && reply.access_token !== undefined) {
        cached = { token: reply.access_token, until: Date.now() + (reply.expires_in ?? 7200) * 1000 - TOKEN_MARGIN_MS };
        return reply.access_token;
      }
      if (reply.errcode === ERR_BUSY && attempt < BUSY_RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, delay * 2 ** attempt));
        continue;
      }
      options.logger.error({ errcode: reply.errcode, errmsg: reply.errmsg }, 'WeCom gettoken failed');
      throw new AppError('AUTH_WECOM_FAILED', 'WeCom login is misconfigured or unavailable; tell an administrator.');
    }
  };

  const accessToken = async (): Promise<string> => {
    if (cached !== undefined && cached.until > Date.now()) return cached.token;
    // One renewal at a time; concurrent logins share it.
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    async userIdForCode(code) {
      let renewed = false;
      for (let attempt = 0; ; attempt += 1) {
        const token = await accessToken();
        const reply = UserInfoReplySchema.parse(await getJson('/auth/getuserinfo', { access_token: token, code }));
        const userId = reply.userid ?? reply.UserId;
        if (reply.errcode === 0 && userId !== undefined) return userId;
        if ((reply.errcode === ERR_TOKEN_INVALID || reply.errcode === ERR_TOKEN_EXPIRED) && !renewed) {
          renewed = true;
          cached = undefined;
          continue;
        }
        if (reply.errcode === ERR_BUSY && attempt < BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, delay * 2 ** attempt));
          continue;
        }
        if (reply.errcode === 0) throw new AppError('AUTH_WECOM_UNKNOWN_USER', 'This WeCom login is not a member of the company; ask an administrator.');
        throw new AppError('AUTH_WECOM_FAILED');
      }
    },
  };
}
