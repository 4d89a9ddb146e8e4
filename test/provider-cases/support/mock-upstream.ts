import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the mock provider received. */
export interface UpstreamRequest {
  /** ms epoch */
  t: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type MockHandler = (req: UpstreamRequest, res: ServerResponse) => void | Promise<void>;

/** A provider's side, as the handed cases define it: answers exactly what the case's mock answers, and records every request. */
export interface MockUpstream {
  origin: string;
  requests: UpstreamRequest[];
  close(): Promise<void>;
}

export async function startMockUpstream(handler: MockHandler): Promise<MockUpstream> {
  const requests: UpstreamRequest[] = [];
  const server = createServer((req, res) => {
    // A failing handler answers 500 with its error, so the case fails on it instead of hanging.
    serve(req, res).catch((err: unknown) => (res.headersSent ? res.destroy(err as Error) : res.writeHead(500).end(String(err))));
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const c of req) raw += c;
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    const recorded = { t: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    requests.push(recorded);
    await handler(recorded, res);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), ...headers });
  res.end(s);
}

/** SSE frames, each `{ event?, data }` (data an object, or a string such as `[DONE]`). */
export function sse(res: ServerResponse, frames: Array<{ event?: string; data: unknown }>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const f of frames) res.write(`${f.event ? `event: ${f.event}\n` : ''}data: ${typeof f.data === 'string' ? f.data : JSON.stringify(f.data)}\n\n`);
  res.end();
}

export function openaiCompletion(
  model: string,
  text: string,
  usage: unknown = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
): Record<string, unknown> {
  return {
    id: 'chatcmpl-mock',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage,
  };
}

export function anthropicMessage(model: string, text: string, usage: Record<string, number> = { input_tokens: 10, output_tokens: 5 }): unknown {
  return { id: 'msg_mock', type: 'message', role: 'assistant', model, content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage };
}

/** Anthropic SSE frames for a plain text answer, input counts in message_start and output in message_delta. */
export function anthropicTextFrames(model: string, text: string, usage: Record<string, number>): Array<{ event: string; data: unknown }> {
  return [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_mock',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          usage: {
            input_tokens: usage['input_tokens'],
            output_tokens: 1,
            cache_read_input_tokens: usage['cache_read_input_tokens'] ?? 0,
            cache_creation_input_tokens: usage['cache_creation_input_tokens'] ?? 0,
          },
        },
      },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage['output_tokens'] } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}
