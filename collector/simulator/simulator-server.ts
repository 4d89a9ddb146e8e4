import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicFormat } from './anthropic-format.ts';
import { countPromptTokens, generateAnswer, IMAGE_TOKENS, pickTool } from './answer.ts';
import { simulatedEmbeddings } from './embeddings.ts';
import { faultSpecSchema, type FaultSpec } from './fault-spec.ts';
import { geminiFormat } from './gemini-format.ts';
import { openaiFormat } from './openai-format.ts';
import { sampleLatency, seededRandom } from './random.ts';
import type { SimRequest, WireFormat } from './wire-format.ts';

export type { FaultSpec };
export type WireKind = 'openai' | 'anthropic' | 'gemini';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Faults per upstream name, applied from start. */
  faults?: Record<string, FaultSpec>;
}

export interface Simulator {
  url: string;
  /** What a client's base URL should be for this upstream and wire format. */
  baseUrl(upstream: string, kind: WireKind): string;
  setFaults(upstream: string, faults: FaultSpec): void;
  clearFaults(upstream?: string): void;
  stats(upstream?: string): { requests: number; byStatus: Record<string, number> };
  close(): Promise<void>;
}

const formats: WireFormat[] = [openaiFormat, anthropicFormat, geminiFormat];

/**
 * Many named virtual upstreams on one loopback server, each under its own path prefix
 * (`/<upstream>/v1/chat/completions`, `/<upstream>/v1/messages`, `/<upstream>/v1beta/models/…`),
 * each with its own injectable faults.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const random = seededRandom(options.seed ?? 1);
  const faults = new Map<string, { spec: FaultSpec; setAtMs: number }>();
  const stats = new Map<string, { requests: number; byStatus: Record<string, number> }>();
  const sockets = new Set<Socket>();
  let nextId = 1;

  const setFaults = (upstream: string, spec: FaultSpec) => faults.set(upstream, { spec: faultSpecSchema.parse(spec), setAtMs: Date.now() });
  for (const [upstream, spec] of Object.entries(options.faults ?? {})) setFaults(upstream, spec);

  const count = (upstream: string, status: number | 'reset' | 'hang') => {
    const s = stats.get(upstream) ?? { requests: 0, byStatus: {} };
    s.requests++;
    s.byStatus[String(status)] = (s.byStatus[String(status)] ?? 0) + 1;
    stats.set(upstream, s);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const [, upstream = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (req.method === 'GET' && path === '/v1/models')
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'simulator' }] });
    const match = formats.map((f) => ({ format: f, routed: f.route(req.method ?? '', path, url.searchParams) })).find((m) => m.routed);
    if (!match && req.method === 'POST') {
      const embeddings = simulatedEmbeddings(path, parseOrNull(await readBody(req)));
      if (embeddings) return json(res, embeddings.status, embeddings.body);
    }
    if (!match) return json(res, 404, { error: { message: `simulator: no endpoint ${req.method} ${path}` } });
    const { format, routed } = match;
    const body = await readBody(req);

    if (!format.authorized(req.headers, url.searchParams)) return fail(format, res, upstream, 401, 'missing or invalid API key');
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(body);
    } catch {
      return fail(format, res, upstream, 400, 'request body is not valid JSON');
    }
    const request = format.parse(parsedBody, routed!);
    if ('error' in request) return fail(format, res, upstream, 400, request.error);

    const fault = faults.get(upstream);
    const spec = fault?.spec ?? {};
    const elapsed = Date.now() - (fault?.setAtMs ?? 0);
    const flapping = spec.flap !== undefined && elapsed % (spec.flap.upMs + spec.flap.downMs) >= spec.flap.upMs;
    const inOutage = spec.down === true || flapping || (spec.outage !== undefined && elapsed >= spec.outage.fromMs && elapsed < spec.outage.toMs);
    if (inOutage) {
      if (spec.downMode === 'reset') return void (count(upstream, 'reset'), req.socket.destroy());
      return fail(format, res, upstream, 503, 'simulated outage', spec.retryAfterSeconds);
    }
    if (spec.hangRate !== undefined && random() < spec.hangRate) return void count(upstream, 'hang');
    const status = pickErrorStatus(spec.errorRates, random);
    if (spec.latencyMs) await delay(sampleLatency(spec.latencyMs, random));
    if (res.destroyed) return;
    if (status !== null)
      return fail(format, res, upstream, status, `simulated ${status}`, status === 429 || status === 503 ? spec.retryAfterSeconds : undefined);

    const answer = generateAnswer({
      promptTokens: countPromptTokens(request.promptTexts) + IMAGE_TOKENS * request.images,
      maxTokens: request.maxTokens,
      reasoning: isReasoningModel(format, request),
      callTool: pickTool(request.tools, request.toolChoice, request.lastUserText, request.afterToolResult),
      json: request.json,
      cacheWrite: request.cacheWrite,
      cacheWrite1h: request.cacheWrite1h === true,
      random,
    });
    const id = `sim${(nextId++).toString(36)}`;
    count(upstream, 200);
    if (!request.stream) return json(res, 200, format.body(answer, request, id));
    await streamFrames(res, format.frames(answer, request, id), spec, req.socket);
  }

  function fail(format: WireFormat, res: ServerResponse, upstream: string, status: number, message: string, retryAfterSeconds?: number): void {
    count(upstream, status);
    if (retryAfterSeconds !== undefined) res.setHeader('retry-after', String(retryAfterSeconds));
    json(res, status, format.error(status, message));
  }

  // A taken port rejects (EADDRINUSE) instead of crashing the process with an unhandled 'error'.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const url = `http://${host}:${port}`;

  return {
    url,
    baseUrl: (upstream, kind) => (kind === 'openai' ? `${url}/${upstream}/v1` : `${url}/${upstream}`),
    setFaults,
    clearFaults: (upstream) => (upstream ? faults.delete(upstream) : faults.clear()),
    stats: (upstream) => {
      if (upstream) return stats.get(upstream) ?? { requests: 0, byStatus: {} };
      const all = { requests: 0, byStatus: {} as Record<string, number> };
      for (const s of stats.values()) {
        all.requests += s.requests;
        for (const [k, v] of Object.entries(s.byStatus)) all.byStatus[k] = (all.byStatus[k] ?? 0) + v;
      }
      return all;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung and streaming connections would keep close() waiting forever.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function isReasoningModel(format: WireFormat, request: SimRequest): boolean {
  if (format.name === 'openai') return /^o\d/.test(request.model);
  if (format.name === 'gemini') return request.model.includes('2.5');
  return false;
}

function pickErrorStatus(rates: Record<string, number> | undefined, random: () => number): number | null {
  if (!rates) return null;
  let roll = random();
  for (const [status, p] of Object.entries(rates)) {
    if (roll < p) return Number(status);
    roll -= p;
  }
  return null;
}

async function streamFrames(res: ServerResponse, frames: Array<{ text: string; content: boolean }>, spec: FaultSpec, socket: Socket): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let contentSent = 0;
  for (const frame of frames) {
    if (res.destroyed) return;
    if (frame.content && spec.streamCutAfterChunks !== undefined && contentSent >= spec.streamCutAfterChunks) {
      socket.destroy();
      return;
    }
    if (frame.content && spec.streamCorruptAfterChunks !== undefined && contentSent === spec.streamCorruptAfterChunks)
      res.write('data: {"choices":[{"delta":{"content": tru\n\n');
    res.write(frame.text);
    if (frame.content) {
      contentSent++;
      await delay(spec.interTokenMs ?? 1);
    }
  }
  res.end();
}

function json(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
