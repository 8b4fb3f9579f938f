import type { Handler } from '@jobwire/executor';

interface HttpParams {
  url: string;
  timeoutMs: number;
}

/** GETs `params.url` with a timeout; a non-2xx answer fails the run. */
export function httpHandler(maxTimeoutMs: number): Handler {
  return async (ctx) => {
    const { url, timeoutMs } = httpParams(ctx.paramsJson, maxTimeoutMs);
    const startedAt = Date.now();
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(url, { method: 'GET', signal, redirect: 'follow' });
    } catch (error) {
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new Error(`GET ${url} failed: ${reason}`);
    }
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return { status: response.status, bytes: Buffer.byteLength(body), elapsedMs: Date.now() - startedAt };
  };
}

function httpParams(params: unknown, maxTimeoutMs: number): HttpParams {
  const raw = typeof params === 'string' ? { url: params } : params;
  if (typeof raw !== 'object' || raw === null || !('url' in raw) || typeof raw.url !== 'string') {
    throw new Error('params must be {"url": "http(s)://…", "timeoutMs"?: n}');
  }
  let parsed: URL;
  try {
    parsed = new URL(raw.url);
  } catch {
    throw new Error(`params.url ${JSON.stringify(raw.url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('params.url must be http or https');
  const asked = 'timeoutMs' in raw && typeof raw.timeoutMs === 'number' && raw.timeoutMs > 0 ? raw.timeoutMs : 10_000;
  return { url: parsed.toString(), timeoutMs: Math.min(asked, maxTimeoutMs) };
}
