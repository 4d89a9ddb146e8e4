import { Worker } from 'node:worker_threads';
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
  /** How late the generator sent, from each request's intended instant (µs): its own share of the latency. */
  send_lag_p50_us: number;
  send_lag_p99_us: number;
  /** CPU the generator's process used over the run, in cores (1 = one core busy the whole run). */
  generator_cpu_share: number;
  /** Per window of `windowMs` by intended send time, when asked for: where in the run the tail came from. */
  windows?: WindowResult[];
  /**
   * From each request's intended instant until the target minted its id, µs (ms resolution), for
   * targets that answer a UUIDv7 `x-request-id` minted as they take the request (Switchyard, once
   * the body is read): the wait in the generator's, the kernel's and the event loop's queues
   * before the target's own work, e.g. connections waiting to be accepted. Absent for others.
   */
  seen_after_p50_us?: number;
  seen_after_p99_us?: number;
}

/** Latency of the requests intended within one window of a run (microseconds; `t_ms` from the run's start). */
export interface WindowResult {
  t_ms: number;
  n: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  /** `RunResult.seen_after_p99_us` of this window's requests, when the target stamps UUIDv7 ids. */
  seen_after_p99_us?: number;
}

/** Nearest-rank percentile of ascending latencies, rounded to the microsecond (0 when empty). */
function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
}

// A UUIDv7 (RFC 9562) starts with its creation time, Unix ms, in 48 bits: version nibble 7.
const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The Unix ms a UUIDv7 was minted, or null for any other id. */
export function uuidV7Ms(id: string | string[] | undefined): number | null {
  const m = typeof id === 'string' ? UUID_V7.exec(id) : null;
  return m ? parseInt(m[1]! + m[2]!, 16) : null;
}

/** A target's URL and the headers it needs (Portkey reads its provider and upstream from headers). */
export interface Endpoint {
  url: string;
  headers?: Record<string, string>;
}

/**
 * How the generator keeps time. `thread` (default): a pacer thread sleeps to each intended instant
 * (Atomics.wait, sub-millisecond) and wakes this thread, which sends what is due — the generator
 * uses CPU only to send and read. `spin`: this thread yields with setImmediate until each instant
 * (precise too, but it keeps a whole core busy at ≥ 500 req/s: on a 2-core machine the targets
 * then share the other one; kept to reproduce figures taken with it).
 */
export type Pacing = 'thread' | 'spin';

/** How to drive one run. */
export interface RunOptions {
  /** Also report each window of this length apart (ms). */
  windowMs?: number;
  pacing?: Pacing;
}

/**
 * Sends `rate` requests per second for `seconds`, each at its intended instant, whatever came back;
 * with `windowMs`, also reports each window of that length apart. Latency runs from the intended
 * instant, so any delay of the generator itself counts against the target (`send_lag_*` says how much).
 */
export async function run(target: Endpoint, rate: number, seconds: number, windowMsOrOptions?: number | RunOptions): Promise<RunResult> {
  const o: RunOptions = typeof windowMsOrOptions === 'number' ? { windowMs: windowMsOrOptions } : (windowMsOrOptions ?? {});
  const { windowMs } = o;
  const pacing = o.pacing ?? defaultPacing;
  const agent = new Agent({ connections: 512, keepAliveTimeout: 60_000, pipelining: 1 });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench', ...target.headers };
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const lags: number[] = [];
  const windows: number[][] = windowMs ? Array.from({ length: Math.ceil((seconds * 1000) / windowMs) }, () => []) : [];
  const seen: number[] = [];
  const seenByWindow: number[][] = windows.map(() => []);
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 50;
  const intendedAt = (i: number) => t0 + (i * 1000) / rate;
  const inflight: Array<Promise<void>> = [];
  const send = (i: number) => {
    const intended = intendedAt(i);
    const w = windowMs ? Math.floor((i * 1000) / rate / windowMs) : -1;
    const window = windows[w];
    lags.push((performance.now() - intended) * 1000);
    inflight.push(
      request(target.url, { method: 'POST', body: BODY, headers, dispatcher: agent })
        .then(async (r) => {
          await r.body.arrayBuffer();
          if (r.statusCode !== 200) errors++;
          const us = (performance.now() - intended) * 1000;
          latencies.push(us);
          window?.push(us);
          const seenMs = uuidV7Ms(r.headers['x-request-id']);
          if (seenMs !== null) {
            const after = Math.max(0, (seenMs - (performance.timeOrigin + intended)) * 1000);
            seen.push(after);
            seenByWindow[w]?.push(after);
          }
        })
        .catch(() => void errors++),
    );
  };
  if (pacing === 'spin') {
    for (let i = 0; i < total; i++) {
      const wait = intendedAt(i) - performance.now();
      if (wait > 2) await new Promise((r) => setTimeout(r, wait - 1));
      // Never send early: the last stretch yields until the intended instant.
      while (performance.now() < intendedAt(i)) await new Promise((r) => setImmediate(r));
      send(i);
    }
  } else {
    await paced(performance.timeOrigin + t0, 1000 / rate, total, (upTo) => {
      for (let i = lags.length; i <= upTo; i++) send(i);
    });
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await agent.close();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  seen.sort((a, b) => a - b);
  return {
    p50_us: percentile(latencies, 0.5),
    p99_us: percentile(latencies, 0.99),
    max_us: Math.round(latencies[latencies.length - 1] ?? 0),
    completed: latencies.length,
    errors,
    achieved_rps: Math.round(latencies.length / elapsed),
    send_lag_p50_us: percentile(lags, 0.5),
    send_lag_p99_us: percentile(lags, 0.99),
    generator_cpu_share: Math.round((cpu.user + cpu.system) / 1e4 / elapsed) / 100,
    ...(seen.length ? { seen_after_p50_us: percentile(seen, 0.5), seen_after_p99_us: percentile(seen, 0.99) } : {}),
    ...(windowMs ? { windows: windows.map((w, k) => summariseWindow(w, k * windowMs, seenByWindow[k]!)) } : {}),
  };
}

/** `SWITCHYARD_BENCH_PACING=spin` switches every bench driving this module back to the spinning generator. */
const defaultPacing: Pacing = process.env.SWITCHYARD_BENCH_PACING === 'spin' ? 'spin' : 'thread';

// The pacer thread: plain JS (eval'd, no loader), absolute epoch milliseconds so both threads agree.
const PACER = `
const { parentPort, workerData: { startMs, intervalMs, total } } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => performance.timeOrigin + performance.now();
for (let next = 0; next < total; ) {
  const wait = startMs + next * intervalMs - now();
  if (wait > 0) { Atomics.wait(cell, 0, 0, wait); continue; }
  const due = Math.min(total - 1, Math.floor((now() - startMs) / intervalMs));
  parentPort.postMessage(due);
  next = due + 1;
}
`;

/**
 * Calls `onDue(i)` (i: the last request index now due, ascending) from a thread that sleeps to each
 * instant `startMs + k·intervalMs` (epoch ms); resolves once all `total` were due.
 */
function paced(startMs: number, intervalMs: number, total: number, onDue: (upTo: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    if (total <= 0) return resolve();
    const pacer = new Worker(PACER, { eval: true, workerData: { startMs, intervalMs, total } });
    pacer.on('message', (upTo: number) => {
      onDue(upTo);
      if (upTo >= total - 1) void pacer.terminate().then(() => resolve());
    });
    pacer.once('error', reject);
  });
}

function summariseWindow(latencies: number[], t_ms: number, seen: number[]): WindowResult {
  latencies.sort((a, b) => a - b);
  seen.sort((a, b) => a - b);
  const max_us = Math.round(latencies[latencies.length - 1] ?? 0);
  const window: WindowResult = { t_ms, n: latencies.length, p50_us: percentile(latencies, 0.5), p99_us: percentile(latencies, 0.99), max_us };
  return seen.length ? { ...window, seen_after_p99_us: percentile(seen, 0.99) } : window;
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
