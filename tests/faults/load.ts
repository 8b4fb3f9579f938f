/**
 * Clients that call the gateway in a loop while a fault test breaks something, each call
 * recorded with when it started, how long it took and what it answered.
 */
export interface Sample {
  path: string;
  at: number;
  ms: number;
  /** The HTTP status, or 'error' when the call got no HTTP answer at all. */
  status: number | 'error';
  /** The envelope's code (the HTTP status when the body has none). */
  code: number | 'error';
}

export interface Load {
  samples: Sample[];
  stop(): Promise<Sample[]>;
}

export function startLoad(baseUrl: string, token: string, paths: readonly string[], clients = paths.length * 2): Load {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = client; running; i += 1) {
      const path = paths[i % paths.length]!;
      const at = Date.now();
      try {
        const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
        const text = await response.text();
        let code: number = response.status;
        try {
          const body = JSON.parse(text) as { code?: unknown };
          if (typeof body.code === 'number') code = body.code;
        } catch {
          // Not JSON (an image captcha): the status says it all.
        }
        samples.push({ path, at, ms: Date.now() - at, status: response.status, code });
      } catch {
        samples.push({ path, at, ms: Date.now() - at, status: 'error', code: 'error' });
      }
    }
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

/** A short summary of the samples for an assertion message: counts per path and code. */
export function tally(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) {
    const key = `${sample.path.split('?')[0]} ${String(sample.code)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
