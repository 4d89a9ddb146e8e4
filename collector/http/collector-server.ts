import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ChatService } from '../dispatch/chat-service.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import type { RequestContext } from '../dispatch/request-context.ts';
import { RequestTiming } from '../dispatch/request-timing.ts';
import { anthropicMessagesEndpoint, openaiChatEndpoint, type Endpoint } from './endpoints.ts';
import { countTokens } from './count-tokens.ts';
import { openaiEmbeddingsEndpoint } from './embeddings-endpoint.ts';
import { clientErrorOf, retryAfterSeconds } from './error-boundary.ts';
import { jsonSyntaxReason } from '../../core/json-syntax-reason.ts';
import { SUPPORTED_ENDPOINTS } from './supported-endpoints.ts';
import { applyKeyLimits, tagsForKey } from './key-policy.ts';
import { KeyRing } from './key-ring.ts';
import { tagsFromHeaders } from './request-tags.ts';
import { DEFAULT_MAX_BODY_BYTES, isJsonContentType, serviceIndex } from './service-index.ts';
import type { VirtualKeyConfig } from '../config/routes-config.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import { uuidV7 } from '../../core/ids/uuid-v7.ts';
import { NOT_READY } from '../../core/ops/ops-server.ts';
import { CancelController } from '../../core/cancel.ts';

const MAX_BODY_BYTES = DEFAULT_MAX_BODY_BYTES;

/**
 * How long an idle client connection is kept open, ms: above the 60 s idle timeout of the common
 * load balancers (AWS ALB, Google Cloud's) and of pooled SDK clients, so they close idle
 * connections, not us. Node's default of 5 s made every pause longer than that cost each client
 * its pool: the next burst reconnected at once, and Node accepts one connection per event-loop
 * turn, so requests queued in the accept backlog (bench:overhead, 500 → 1,000 req/s after a
 * ~25 s pause: first-second p99 0.95 s). Behind a balancer, a close racing its next request is a 502.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface CollectorServerOptions {
  chat: ChatService;
  routeNames: () => string[];
  /** Client keys; without any configured, the endpoint is open. */
  keys?: KeyRing;
  /** Told the shim's own overhead of each answered request, ms. */
  onOverhead?: (ms: number) => void;
  /** Non-null while attempt events cannot be kept (disk spool full): new requests get a 503 naming the reason. */
  emissionRefusal?: () => { code: string; message: string } | null;
  /** x-switchyard-budget-* headers for a request to a route with these tags (collector/budget/budget-headers.ts). */
  budgetHeaders?: (route: string, tags: AttemptTags) => Record<string, string>;
  /**
   * Readiness beyond this server listening (`switchyard all`: its storage process migrated and its
   * API listening): /readyz answers 503 until it holds. Unset: ready once listening.
   */
  ready?: () => boolean;
  /** Other faces of this deployment listed by `GET /` (e.g. graphql), when known. */
  links?: Record<string, string>;
  log?: (message: string) => void;
}

/** The OpenAI-compatible HTTP face of the collector. */
export function createCollectorServer(options: CollectorServerOptions): Server {
  const server = createServer((req, res) => {
    // Minted on arrival, so every answer carries it, refusals before dispatch included (a client
    // quoting the id of a 400 or 401 can be found in the logs); a dispatched request keeps it.
    const requestId = uuidV7();
    res.setHeader('x-request-id', requestId);
    handle(options, req, res, requestId).catch((err: unknown) => {
      const clientError = clientErrorOf(err, options.log);
      if (!res.headersSent) sendError(res, clientError, req.url ?? '/');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

async function handle(options: CollectorServerOptions, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const path = pathOf(req.url ?? '/').replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (req.method === 'GET' && path === '/readyz') {
    if (options.ready?.() ?? true) return sendJson(res, 200, { status: 'ready' });
    return sendJson(res, 503, NOT_READY);
  }
  if (req.method === 'GET' && path === '') return sendJson(res, 200, serviceIndex(options.links ?? {}));
  const endpoint =
    path === '/v1/chat/completions'
      ? openaiChatEndpoint
      : path === '/v1/messages'
        ? anthropicMessagesEndpoint
        : path === '/v1/embeddings'
          ? openaiEmbeddingsEndpoint
          : null;
  const authorization = headerValue(req, 'authorization');
  const apiKey = headerValue(req, 'x-api-key');
  const auth = (options.keys ?? OPEN).check(authorization, apiKey);
  if (auth.kind === 'unknown') {
    // A caller who sent no key at all is told how to send one; a wrong key is not described further.
    const error =
      authorization !== undefined || apiKey !== undefined
        ? new DispatchError(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key')
        : new DispatchError(
            401,
            'invalid_request_error',
            'No API key was sent. Send your Switchyard key as "Authorization: Bearer <key>" (OpenAI clients) or "x-api-key: <key>" (Anthropic clients).',
            'missing_api_key',
          );
    return sendError(res, error, path);
  }
  const key = auth.kind === 'key' ? auth.key : null;
  if (req.method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
    const visible = options.routeNames().filter((id) => !key?.routes || key.routes.includes(id));
    const model = (id: string) => ({ id, object: 'model', created: 0, owned_by: 'switchyard' });
    if (path === '/v1/models') return sendJson(res, 200, { object: 'list', data: visible.map(model) });
    // GET /v1/models/{model}, as OpenAI's SDKs call it (models.retrieve); a route the key may not use does not exist for it.
    const raw = path.slice('/v1/models/'.length);
    let id = raw;
    try {
      id = decodeURIComponent(raw);
    } catch {
      // A malformed %-escape names no route: answered as an unknown model below.
    }
    if (visible.includes(id)) return sendJson(res, 200, model(id));
    return sendError(res, new DispatchError(404, 'invalid_request_error', `The model \`${id}\` does not exist`, 'model_not_found', 'model'), path);
  }
  const supported = SUPPORTED_ENDPOINTS.find((e) => e.path === path);
  if (supported && req.method !== supported.method) {
    // HTTP requires a 405 to say which methods the resource takes (RFC 9110, 15.5.6).
    res.setHeader('allow', supported.method);
    return sendError(res, new DispatchError(405, 'invalid_request_error', `use ${supported.method} ${path}`), path);
  }
  if (endpoint) return handleCompletion(options, req, res, key, endpoint, requestId);
  if (path === '/v1/messages/count_tokens') {
    const body = await readJsonBody(req, key?.max_request_bytes ?? MAX_BODY_BYTES);
    const counted = body.ok ? countTokens(body.value, options.routeNames) : body.error;
    return counted instanceof DispatchError ? sendError(res, counted, path) : sendJson(res, 200, counted);
  }
  const list = SUPPORTED_ENDPOINTS.map((e) => `${e.method} ${e.path}`).join(', ');
  sendError(
    res,
    new DispatchError(
      404,
      'invalid_request_error',
      // The probes are not API endpoints a client would mean; `GET /` names them with the rest.
      `${req.method ?? 'GET'} ${path} is not supported by Switchyard; supported endpoints: ${list} (GET / describes the service, with its /healthz and /readyz probes)`,
      'unsupported_endpoint',
    ),
    path,
  );
}

async function handleCompletion(
  options: CollectorServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  key: VirtualKeyConfig | null,
  endpoint: Endpoint,
  requestId: string,
): Promise<void> {
  const fail = failer(res, endpoint);
  const body = await readJsonBody(req, key?.max_request_bytes ?? MAX_BODY_BYTES);
  if (!body.ok) return fail(body.error);
  const parsed = endpoint.parse(body.value);
  if (parsed instanceof DispatchError) return fail(parsed);
  // Every attempt must be recorded; when even the disk spool is full, refuse before calling a provider.
  const unrecordable = options.emissionRefusal?.();
  if (unrecordable)
    return fail(
      new DispatchError(
        503,
        'service_unavailable',
        `Switchyard cannot record attempts right now, so it takes no new requests: ${unrecordable.message}. Nothing was sent to a provider; retry later.`,
        unrecordable.code,
        null,
        5000,
      ),
    );
  const { includeUsage } = parsed;
  // OpenAI's newer name wins when both are sent (chat-request-schema), so a refusal names it then.
  const tokensParam = (body.value as { max_completion_tokens?: unknown }).max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const request = key ? applyKeyLimits(key, parsed.request, tokensParam) : parsed.request;
  if (request instanceof DispatchError) return fail(request);
  const headerTags = tagsFromHeaders(req.headers, request.user);
  if (headerTags instanceof DispatchError) return fail(headerTags);

  const clientGone = new CancelController();
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const timing = new RequestTiming();
  const conversationId = headerValue(req, 'x-switchyard-conversation-id')?.slice(0, 256) || undefined;
  const tierHint = {
    tier: headerValue(req, 'x-switchyard-tier')?.trim().toLowerCase(),
    difficulty: headerValue(req, 'x-switchyard-difficulty')?.trim().toLowerCase(),
  };
  const ctx: RequestContext = {
    requestId,
    tags: key ? tagsForKey(key, headerTags) : headerTags,
    signal: clientGone.signal,
    timing,
    conversationId,
    tierHint,
    ...(key?.regions ? { allowedRegions: key.regions } : {}),
  };

  try {
    if (!request.stream) {
      const answer = await options.chat.answer(request, ctx);
      reportOverhead(options, res, request.model, ctx, timing);
      if (answer.estimated) res.setHeader('x-switchyard-usage-estimated', 'true');
      return sendJson(res, 200, endpoint.render(answer, requestId, request));
    }
    const sink = endpoint.sink(res, request, requestId, includeUsage);
    await options.chat.stream(request, ctx, {
      ...sink,
      open(start) {
        reportOverhead(options, res, request.model, ctx, timing);
        return sink.open(start);
      },
    });
  } catch (err) {
    const clientError = clientErrorOf(err, options.log);
    if (clientError.httpStatus === 499) return void res.destroy();
    if (res.headersSent) return void res.end();
    setBudgetHeaders(options, res, request.model, ctx.tags);
    fail(clientError);
  }
}

// Helpers of handleCompletion live at module level or are returned by a factory: tsx (esbuild
// keepNames) renames every named closure each time it is created, ~1 µs apiece per request.

/** Answers a refused completion in its face's error shape, with Retry-After when the error has one. */
function failer(res: ServerResponse, endpoint: Endpoint): (err: DispatchError) => void {
  return (err) => {
    if (err.retryAfterMs !== null) res.setHeader('retry-after', retryAfterSeconds(err.retryAfterMs));
    sendJson(res, err.httpStatus, endpoint.errorBody(err));
  };
}

function setBudgetHeaders(options: CollectorServerOptions, res: ServerResponse, route: string, tags: AttemptTags): void {
  for (const [name, value] of Object.entries(options.budgetHeaders?.(route, tags) ?? {})) res.setHeader(name, value);
}

/** Reported before the body goes out; for a stream that is at commit, when the overhead is spent. */
function reportOverhead(options: CollectorServerOptions, res: ServerResponse, route: string, ctx: RequestContext, timing: RequestTiming): void {
  setBudgetHeaders(options, res, route, ctx.tags);
  if (ctx.degraded) res.setHeader('x-switchyard-degraded', 'cache');
  const ms = timing.overheadMs();
  res.setHeader('x-switchyard-overhead-ms', ms.toFixed(3));
  options.onOverhead?.(ms);
}

type BodyResult = { ok: true; value: unknown } | { ok: false; error: DispatchError };

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const body = await readBody(req, maxBytes);
  if (body === null) return { ok: false, error: new DispatchError(413, 'invalid_request_error', `request body exceeds ${maxBytes} bytes`) };
  if (!isJsonContentType(req.headers['content-type'])) {
    return {
      ok: false,
      error: new DispatchError(
        415,
        'invalid_request_error',
        `content-type ${req.headers['content-type']} is not supported: send the body as JSON with content-type: application/json`,
      ),
    };
  }
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch (err) {
    const reason = jsonSyntaxReason((err as Error).message);
    const message = `We could not parse the JSON body of your request${reason ? `: ${reason}` : ''}.`;
    return { ok: false, error: new DispatchError(400, 'invalid_request_error', message) };
  }
}

/**
 * The request body, or null once it passes `maxBytes` (then the rest is not kept, and a body
 * still arriving once the 413 is written is cut). Read by events rather than an async iterator: the iterator's
 * promise per chunk cost the collector's event loop ~15 µs per request at 1,000 req/s.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    // Inline, not a named closure: tsx (esbuild keepNames) renames each named closure as it is created (~5 µs here).
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      over = true;
      resolve(null);
      // The 413 is written first (the caller's next microtask); a body still arriving after it is cut.
      setImmediate(() => req.complete || req.destroy());
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

const OPEN = new KeyRing([]);

// A path of only letters, digits, `_`, `-` and single slashes is its own pathname: nothing for
// URL to decode, resolve or normalise. Anything else (query, dots, escapes, `//`) goes through URL.
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)*\/?$/;

/** The pathname of a request target, as `new URL(target, base).pathname`; skips the URL parse (~9 µs) for plain paths. */
function pathOf(target: string): string {
  return target !== '' && PLAIN_PATH.test(target) ? target : new URL(target, 'http://localhost').pathname;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Errors outside a completion (auth, unknown paths, count_tokens) answer in the shape of the face the path belongs to. */
function sendError(res: ServerResponse, err: DispatchError, path: string): void {
  const face = path.startsWith('/v1/messages') ? anthropicMessagesEndpoint : openaiChatEndpoint;
  sendJson(res, err.httpStatus, face.errorBody(err));
}
