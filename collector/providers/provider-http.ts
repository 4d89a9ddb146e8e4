import { getGlobalDispatcher, request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ProviderError, type ChatCompletionChunk, type ProviderErrorKind, type ProviderTarget } from './provider.ts';
import type { CancelSignal } from '../../core/cancel.ts';

const MAX_ERROR_CHARS = 500;

/** What adapters read from a provider's 2xx answer. */
export interface UpstreamResponse {
  status: number;
  json(): Promise<unknown>;
  /** The raw body, for SSE streams. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * POSTs JSON to a provider and returns the response if it is 2xx. Everything else becomes a
 * classified ProviderError: 429 → rate_limited (with Retry-After), 5xx → server, other 4xx →
 * client, our own attempt timeout → timeout, connection failures → network. Error text never
 * carries the key. A client cancellation is rethrown as-is for the caller to recognise.
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  target: ProviderTarget,
  signal: CancelSignal,
): Promise<UpstreamResponse> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(endpointUrl(url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      // undici takes any EventTarget with addEventListener as a signal (core/cancel.ts); its types name only AbortSignal and EventEmitter.
      signal: signal as AbortSignal,
      dispatcher: target.http ?? getGlobalDispatcher(),
    });
  } catch (err) {
    throw transportError(err, signal, target);
  }
  const status = response.statusCode;
  if (status >= 200 && status < 300) {
    return {
      status,
      // A method, not a named closure: tsx (esbuild keepNames) renames each named closure as it is created.
      json() {
        return response.body.json().catch((err: unknown) => {
          throw err instanceof SyntaxError
            ? new ProviderError('invalid_response', 'provider answered with a body that is not JSON', status)
            : transportError(err, signal, target);
        });
      },
      body: response.body,
    };
  }
  const text = await response.body.text().catch(() => '');
  throw errorFromBody(
    status,
    text,
    target,
    retryAfterMs((name) => headerOf(response.headers, name)),
  );
}

/**
 * A provider's error body (an HTTP answer, or an error a stream ended with) as a classified
 * ProviderError: its message (API key redacted), code, and when to retry (a header's value
 * first, else Gemini's RetryInfo in the body).
 */
export function errorFromBody(status: number, text: string, target: ProviderTarget, headerRetryAfterMs: number | null = null): ProviderError {
  const detail = errorDetail(text);
  const message = redact(`${detail.message ?? `HTTP ${status}`}`.slice(0, MAX_ERROR_CHARS), target);
  return new ProviderError(classifyStatus(status, message, detail.code), message, status, headerRetryAfterMs ?? detail.retryDelayMs);
}

// Provider endpoints are a handful of strings (base URL + path per deployment): each is parsed
// once. undici parses a string URL on every call (new URL, ~6 µs per request at 1,000 req/s,
// bench/profiles/collector-hot-path.md) and takes a URL object as it is.
const endpointUrls = new Map<string, URL>();

/** The parsed URL of a provider endpoint; a string undici would refuse stays a string, so it refuses it with its own error. */
function endpointUrl(url: string): URL | string {
  let parsed = endpointUrls.get(url);
  if (parsed === undefined) {
    if (!URL.canParse(url)) return url;
    parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url;
    // Bounded: routes reloaded with many distinct base URLs start over rather than growing.
    if (endpointUrls.size >= 1024) endpointUrls.clear();
    endpointUrls.set(url, parsed);
  }
  return parsed;
}

/**
 * Validates a provider's answer against the shape its API reference documents. A body that does
 * not match is the provider's fault (`invalid_response`), so nothing downstream can fail on it
 * with a TypeError that would look like a bug of ours — or the other way round.
 */
export function parseProviderJson<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ProviderError(
    'invalid_response',
    `provider sent an invalid ${what}: ${issue.path.map(String).join('.') || 'body'}: ${issue.message}`.slice(0, MAX_ERROR_CHARS),
  );
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/**
 * HTTP status (and, for 400s, the provider's error code or message) → taxonomy. OpenAI names
 * `context_length_exceeded` and `unsupported_parameter` in `code`; Anthropic, Gemini and most
 * compatible hosts signal a too-long prompt or a safety block only in the text of a 400, so
 * those are matched on wording.
 */
export function classifyStatus(status: number, message: string, code: string | null = null): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  if (code === 'context_length_exceeded') return 'context_length';
  if (code === 'unsupported_parameter' || code === 'unsupported_value') return 'unsupported_parameter';
  if (code === 'content_filter' || code === 'content_policy_violation') return 'content_filter';
  if (/context.?(length|window|limit)|maximum context|prompt is too long|too many (input )?tokens|exceeds the (model's )?(context|maximum)/i.test(message))
    return 'context_length';
  if (/unsupported parameter|unsupported value|not supported with this model|does not support/i.test(message)) return 'unsupported_parameter';
  if (/content.?(filter|policy|management)|safety|flagged|blocked/i.test(message)) return 'content_filter';
  return 'invalid_request';
}

/** Classifies a failure of fetch or of reading a body. */
export function transportError(err: unknown, signal: CancelSignal, target: ProviderTarget): unknown {
  if (err instanceof ProviderError) return err;
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return new ProviderError('timeout', 'attempt timed out');
    return err; // the client went away: not a provider failure
  }
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail = e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? 'request failed';
  return new ProviderError('network', redact(`network error: ${detail}`, target));
}

/** Reads an SSE body, turning a mid-stream failure into a classified error. */
export async function* guardStream<T>(source: AsyncIterable<T>, signal: CancelSignal, target: ProviderTarget): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (err) {
    throw transportError(err, signal, target);
  }
}

export function streamEndedEarly(): ProviderError {
  return new ProviderError('network', 'stream ended early');
}

/**
 * One SSE frame's JSON, validated like a whole answer. A frame that is not JSON at all is a torn
 * stream — a provider-side break like a cut connection (`server`); JSON without the documented
 * shape is `invalid_response`.
 */
export function parseJsonFrame<T>(data: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ProviderError('server', 'provider sent a malformed stream frame');
  }
  return parseProviderJson(schema, value, 'stream frame');
}

function retryAfterMs(header: (name: string) => string | null): number | null {
  const ms = header('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = header('retry-after');
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

interface ErrorDetail {
  message: string | null;
  code: string | null;
  /** Gemini says when to retry in the body (google.rpc.RetryInfo `retryDelay: "36s"`), not in a header. */
  retryDelayMs: number | null;
}

/** The message, machine-readable code and retry delay of an error body (OpenAI, Anthropic, Gemini or a compatible host). */
function errorDetail(text: string): ErrorDetail {
  try {
    const json = JSON.parse(text) as {
      error?: { message?: string; code?: unknown; details?: Array<{ '@type'?: string; retryDelay?: string }> } | string;
      message?: string;
    };
    if (typeof json.error === 'string') return { message: json.error, code: null, retryDelayMs: null };
    const code = typeof json.error?.code === 'string' ? json.error.code : null;
    const delay = json.error?.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
    const seconds = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1] : undefined;
    return { message: json.error?.message ?? json.message ?? null, code, retryDelayMs: seconds ? Math.round(Number(seconds) * 1000) : null };
  } catch {
    return { message: text.trim() || null, code: null, retryDelayMs: null };
  }
}

function redact(text: string, target: ProviderTarget): string {
  return target.apiKey ? text.split(target.apiKey).join('[redacted]') : text;
}

export function chunk(
  id: string,
  model: string,
  created: number,
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
  index = 0,
): ChatCompletionChunk {
  return { id, object: 'chat.completion.chunk', created, model, choices: [{ index, delta, finish_reason: finish }] };
}
