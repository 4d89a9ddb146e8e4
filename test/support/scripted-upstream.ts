import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimAnswer } from '../../collector/simulator/answer.ts';
import { anthropicFormat } from '../../collector/simulator/anthropic-format.ts';
import { geminiFormat } from '../../collector/simulator/gemini-format.ts';
import { openaiFormat } from '../../collector/simulator/openai-format.ts';
import type { WireFormat } from '../../collector/simulator/wire-format.ts';

/** What a scripted upstream answers: text, or tool calls with the given arguments. */
export interface ScriptedAnswer {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface ScriptedUpstream {
  /** Base URL for an upstream name and wire format (like the simulator's). */
  baseUrl(upstream: string, kind: 'openai' | 'anthropic' | 'gemini'): string;
  /** Sets what an upstream answers from now on. */
  script(upstream: string, answer: ScriptedAnswer): void;
  calls(upstream: string): number;
  close(): Promise<void>;
}

const formats: WireFormat[] = [openaiFormat, anthropicFormat, geminiFormat];

/**
 * Upstreams that answer exactly what the test scripts, in each provider's real wire format (the
 * simulator's renderers), streamed or not: the answers can break a request's contract on purpose.
 */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const scripts = new Map<string, ScriptedAnswer>();
  const counts = new Map<string, number>();
  let next = 1;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://up');
      const [, upstream = '', ...rest] = url.pathname.split('/');
      const path = `/${rest.join('/')}`;
      const match = formats.map((f) => ({ format: f, routed: f.route(req.method ?? '', path, url.searchParams) })).find((m) => m.routed);
      const body = JSON.parse(await readBody(req)) as unknown;
      if (!match) return void res.writeHead(404).end();
      const request = match.format.parse(body, match.routed!);
      if ('error' in request)
        return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(match.format.error(400, request.error)));
      counts.set(upstream, (counts.get(upstream) ?? 0) + 1);
      const answer = render(scripts.get(upstream) ?? { text: 'hello' });
      const id = `scripted${next++}`;
      if (!request.stream) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(match.format.body(answer, request, id)));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const frame of match.format.frames(answer, request, id)) res.write(frame.text);
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: (upstream, kind) => (kind === 'openai' ? `${url}/${upstream}/v1` : `${url}/${upstream}`),
    script: (upstream, answer) => void scripts.set(upstream, answer),
    calls: (upstream) => counts.get(upstream) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function render(a: ScriptedAnswer): SimAnswer {
  const text = a.text ?? '';
  // Several pieces, so streams really arrive in parts.
  const pieces = text ? (text.match(/.{1,5}/gs) ?? []) : [];
  const toolCalls = (a.toolCalls ?? []).map((c, i) => ({ id: `call_${i}`, name: c.name, arguments: c.arguments }));
  return {
    pieces,
    toolCalls,
    finishReason: toolCalls.length ? 'tool_calls' : 'stop',
    promptTokens: 20,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: Math.max(1, pieces.length),
    reasoningTokens: 0,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
