import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import type { ChatService } from '../dispatch/chat-service.ts';
import { DispatchError } from '../dispatch/dispatch-error.ts';
import type { RequestContext } from '../dispatch/request-context.ts';
import { parseChatBody } from './chat-request-schema.ts';
import { applyKeyLimits, tagsForKey } from './key-policy.ts';
import { KeyRing } from './key-ring.ts';
import { tagsFromHeaders } from './request-tags.ts';
import type { VirtualKeyConfig } from '../config/routes-config.ts';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CollectorServerOptions {
  chat: ChatService;
  routeNames: () => string[];
  /** Client keys; without any configured, the endpoint is open. */
  keys?: KeyRing;
  log?: (message: string) => void;
}

/** The OpenAI-compatible HTTP face of the collector. */
export function createCollectorServer(options: CollectorServerOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log?.(`collector: unhandled ${(err as Error)?.name ?? 'error'}`);
      if (!res.headersSent) sendError(res, new DispatchError(500, 'api_error', 'internal error'));
      else res.destroy();
    });
  });
}

async function handle(options: CollectorServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) return sendJson(res, 200, { status: 'ok' });
  const auth = (options.keys ?? OPEN).check(headerValue(req, 'authorization'), headerValue(req, 'x-api-key'));
  if (auth.kind === 'unknown') return sendError(res, new DispatchError(401, 'invalid_request_error', 'Incorrect API key provided.', 'invalid_api_key'));
  const key = auth.kind === 'key' ? auth.key : null;
  if (req.method === 'GET' && path === '/v1/models') {
    const data = options
      .routeNames()
      .filter((id) => !key?.routes || key.routes.includes(id))
      .map((id) => ({ id, object: 'model', created: 0, owned_by: 'switchyard' }));
    return sendJson(res, 200, { object: 'list', data });
  }
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') return sendError(res, new DispatchError(405, 'invalid_request_error', 'use POST'));
    return handleChat(options, req, res, key);
  }
  sendError(res, new DispatchError(404, 'invalid_request_error', `unknown path ${path}`, 'unknown_url'));
}

async function handleChat(options: CollectorServerOptions, req: IncomingMessage, res: ServerResponse, key: VirtualKeyConfig | null): Promise<void> {
  const body = await readJsonBody(req, key?.max_request_bytes ?? MAX_BODY_BYTES);
  if (!body.ok) return sendError(res, body.error);
  const parsed = parseChatBody(body.value);
  if (!parsed.ok) return sendError(res, new DispatchError(400, 'invalid_request_error', parsed.message, null, parsed.param));
  const { request, includeUsage } = parsed.value;
  const refused = key ? applyKeyLimits(key, request) : null;
  if (refused) return sendError(res, refused);

  const requestId = uuidv7();
  res.setHeader('x-request-id', requestId);
  const clientGone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const headerTags = tagsFromHeaders(req.headers, request.user);
  const ctx: RequestContext = { requestId, tags: key ? tagsForKey(key, headerTags) : headerTags, signal: clientGone.signal };

  try {
    if (!request.stream) return sendJson(res, 200, await options.chat.complete(request, ctx));
    await options.chat.stream(request, ctx, {
      open: () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' }),
      chunk: (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`),
      fail: (message) => {
        // An error frame and no [DONE]: clients must not mistake a cut answer for a complete one.
        res.end(`data: ${JSON.stringify({ error: { message, type: 'upstream_error', code: 'stream_interrupted' } })}\n\n`);
      },
      done: (usage) => {
        if (includeUsage) {
          const prompt = usage.inputTokens + usage.cachedInputTokens;
          const completion = usage.outputTokens + usage.reasoningTokens;
          const frame = { id: requestId, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
          res.write(`data: ${JSON.stringify(frame)}\n\n`);
        }
        res.end('data: [DONE]\n\n');
      },
    });
  } catch (err) {
    if (!(err instanceof DispatchError)) throw err;
    if (err.httpStatus === 499) return void res.destroy();
    if (res.headersSent) return void res.end();
    sendError(res, err);
  }
}

type BodyResult = { ok: true; value: unknown } | { ok: false; error: DispatchError };

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return { ok: false, error: new DispatchError(413, 'invalid_request_error', `request body exceeds ${maxBytes} bytes`) };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, error: new DispatchError(400, 'invalid_request_error', 'We could not parse the JSON body of your request.') };
  }
}

const OPEN = new KeyRing([]);

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The one place dispatcher errors become HTTP responses, in OpenAI's error shape. */
function sendError(res: ServerResponse, err: DispatchError): void {
  sendJson(res, err.httpStatus, { error: { message: err.message, type: err.type, param: err.param, code: err.code } });
}
