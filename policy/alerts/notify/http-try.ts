import { request } from 'undici';

/** What one HTTP try of a notification came to. */
export type TryOutcome =
  | { kind: 'delivered'; status: number; latencyMs: number }
  /** 429: wait Retry-After (ms; null when the header is absent or unreadable) and try again. */
  | { kind: 'rate_limited'; status: 429; retryAfterMs: number | null; latencyMs: number; detail: string }
  /** 5xx, timeouts, network errors: back off and try again. */
  | { kind: 'retryable'; status: number | null; latencyMs: number; detail: string }
  /** Other 4xx (and Slack answering anything but `ok`): the payload or the URL is wrong; retrying will not help. */
  | { kind: 'rejected'; status: number; latencyMs: number; detail: string };

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Slack's success is exactly HTTP 200 with body `ok`; other receivers accept any 2xx. */
  requireOkBody: boolean;
  now: () => number;
}

/**
 * One POST and its classification. Never throws: network failures are `retryable` outcomes.
 * Details carry the receiver's short answer (Slack error codes), never the URL; callers still
 * pass them through redaction before they are stored.
 */
export async function postOnce(url: string, body: string, o: PostOptions): Promise<TryOutcome> {
  const started = o.now();
  try {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...o.headers },
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const text = (await res.body.text()).slice(0, 300);
    const latencyMs = o.now() - started;
    const status = res.statusCode;
    if (status >= 200 && status < 300 && (!o.requireOkBody || (status === 200 && text.trim() === 'ok'))) return { kind: 'delivered', status, latencyMs };
    if (status === 429) return { kind: 'rate_limited', status, retryAfterMs: parseRetryAfter(res.headers['retry-after'], o.now()), latencyMs, detail: text };
    if (status >= 500) return { kind: 'retryable', status, latencyMs, detail: text };
    return { kind: 'rejected', status, latencyMs, detail: text || `HTTP ${status}` };
  } catch (err) {
    const e = err as Error & { code?: string };
    // The message of a network error can carry the host; the caller redacts. Keep the code first.
    const detail = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${o.timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
    return { kind: 'retryable', status: null, latencyMs: o.now() - started, detail };
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
