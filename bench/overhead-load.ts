import { Agent, request } from 'undici';

// Open-loop load for bench:overhead: latency is measured from each request's intended start, so a
// stalled server cannot hide its queue (no coordinated omission).

const BODY = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'overhead probe' }], max_tokens: 16 });

/** One target at one rate; latencies in microseconds. */
export interface RunResult {
  p50_us: number;
  p99_us: number;
  max_us: number;
  completed: number;
  errors: number;
  achieved_rps: number;
  /** Per window of `windowMs` by intended send time, when asked for: where in the run the tail came from. */
  windows?: WindowResult[];
}

/** Latency of the requests intended within one window of a run (microseconds; `t_ms` from the run's start). */
export interface WindowResult {
  t_ms: number;
  n: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
}

/** Nearest-rank percentile of ascending latencies, rounded to the microsecond (0 when empty). */
function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
}

/** A target's URL and the headers it needs (Portkey reads its provider and upstream from headers). */
export interface Endpoint {
  url: string;
  headers?: Record<string, string>;
}

/**
 * Sends `rate` requests per second for `seconds`, each at its intended instant, whatever came back;
 * with `windowMs`, also reports each window of that length apart.
 */
export async function run(target: Endpoint, rate: number, seconds: number, windowMs?: number): Promise<RunResult> {
  const agent = new Agent({ connections: 512, keepAliveTimeout: 60_000, pipelining: 1 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench', ...target.headers };
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const windows: number[][] = windowMs ? Array.from({ length: Math.ceil((seconds * 1000) / windowMs) }, () => []) : [];
  let errors = 0;
  const t0 = performance.now() + 50;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const intended = t0 + (i * 1000) / rate;
    const window = windowMs ? windows[Math.floor((i * 1000) / rate / windowMs)] : undefined;
    const wait = intended - performance.now();
    if (wait > 2) await new Promise((r) => setTimeout(r, wait - 1));
    // Never send early: the last stretch yields until the intended instant.
    while (performance.now() < intended) await new Promise((r) => setImmediate(r));
    inflight.push(
      request(target.url, { method: 'POST', body: BODY, headers, dispatcher: agent })
        .then(async (r) => {
          await r.body.arrayBuffer();
          if (r.statusCode !== 200) errors++;
          const us = (performance.now() - intended) * 1000;
          latencies.push(us);
          window?.push(us);
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  return {
    p50_us: percentile(latencies, 0.5),
    p99_us: percentile(latencies, 0.99),
    max_us: Math.round(latencies[latencies.length - 1] ?? 0),
    completed: latencies.length,
    errors,
    achieved_rps: Math.round(latencies.length / elapsed),
    ...(windowMs ? { windows: windows.map((w, k) => summariseWindow(w, k * windowMs)) } : {}),
  };
}

function summariseWindow(latencies: number[], t_ms: number): WindowResult {
  latencies.sort((a, b) => a - b);
  const max_us = Math.round(latencies[latencies.length - 1] ?? 0);
  return { t_ms, n: latencies.length, p50_us: percentile(latencies, 0.5), p99_us: percentile(latencies, 0.99), max_us };
}

/**
 * Milliseconds from `startedAt` (performance.now() when the process was spawned) until one request
 * is answered 200, trying every 10 ms; null when none is within `timeoutMs`.
 */
export async function firstSuccessMs(target: Endpoint, startedAt: number, timeoutMs = 120_000): Promise<number | null> {
  const agent = new Agent({ connections: 1, connectTimeout: 1000 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench', ...target.headers };
  try {
    while (performance.now() - startedAt < timeoutMs) {
      const ok = await request(target.url, { method: 'POST', body: BODY, headers, dispatcher: agent, headersTimeout: 5000 })
        .then(async (r) => (await r.body.arrayBuffer(), r.statusCode === 200))
        .catch(() => false);
      if (ok) return Math.round(performance.now() - startedAt);
      await new Promise((r) => setTimeout(r, 10));
    }
    return null;
  } finally {
    await agent.close();
  }
}

/** Held without queueing: nearly every request answered, and the p99 not ten times the lowest rate's. */
export function sustained(results: Array<{ rate: number } & RunResult>): number {
  const base = results[0]?.p99_us ?? 0;
  let best = 0;
  for (const r of results) if (r.errors === 0 && r.achieved_rps >= 0.95 * r.rate && r.p99_us <= Math.max(10 * base, 20_000)) best = r.rate;
  return best;
}
