import { contentText, type SimAnswer } from './answer.ts';
import { header, sse, type SimRequest, type SseFrame, type WireFormat } from './wire-format.ts';

const stopReason = (a: SimAnswer) => (a.finishReason === 'length' ? 'max_tokens' : a.finishReason === 'tool_calls' ? 'tool_use' : 'end_turn');

function usage(a: SimAnswer) {
  // Anthropic: input_tokens excludes cache reads and cache writes, which are reported on their own.
  return {
    input_tokens: a.promptTokens - a.cachedTokens - a.cacheWriteTokens,
    cache_read_input_tokens: a.cachedTokens,
    cache_creation_input_tokens: a.cacheWriteTokens,
    cache_creation: { ephemeral_5m_input_tokens: a.cacheWriteTokens - (a.cacheWrite1hTokens ?? 0), ephemeral_1h_input_tokens: a.cacheWrite1hTokens ?? 0 },
    output_tokens: a.outputTokens,
  };
}

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

type Block = { type?: string; text?: string };
const blocks = (content: unknown): Block[] => (Array.isArray(content) ? (content as Block[]) : []);

/** Anthropic Messages API. */
export const anthropicFormat: WireFormat = {
  name: 'anthropic',
  route: (method, path) => (method === 'POST' && path === '/v1/messages' ? {} : null),
  // Newer SDKs send the key as a bearer token; older ones and raw clients use x-api-key.
  authorized: (headers) => header(headers, 'x-api-key').length > 0 || /^Bearer \S+/.test(header(headers, 'authorization')),
  parse(body) {
    const b = body as {
      model?: unknown;
      messages?: unknown;
      system?: unknown;
      stream?: unknown;
      max_tokens?: unknown;
      tools?: Array<{ name?: string; input_schema?: unknown }>;
      tool_choice?: { type?: string; name?: string };
    };
    if (typeof b?.model !== 'string') return { error: 'model: Field required' };
    if (typeof b.max_tokens !== 'number') return { error: 'max_tokens: Field required' };
    if (!Array.isArray(b.messages) || b.messages.length === 0) return { error: 'messages: at least one message is required' };
    const messages = b.messages as Array<{ role?: string; content?: unknown }>;
    const last = messages[messages.length - 1];
    const choice = b.tool_choice;
    const system = contentText(b.system);
    return {
      model: b.model,
      promptTexts: [system, ...messages.map((m) => contentText(m?.content))],
      maxTokens: b.max_tokens,
      stream: b.stream === true,
      includeUsage: true,
      tools: (b.tools ?? []).map((t) => ({ name: t.name ?? '', parameters: t.input_schema })),
      toolChoice: choice?.type === 'tool' ? { name: choice.name ?? '' } : choice?.type === 'any' ? 'required' : choice?.type === 'none' ? 'none' : 'auto',
      lastUserText: contentText([...messages].reverse().find((m) => m.role === 'user' && !blocks(m.content).some((x) => x.type === 'tool_result'))?.content),
      afterToolResult: last?.role === 'user' && blocks(last.content).some((x) => x.type === 'tool_result'),
      // Anthropic has no JSON mode; a system instruction asks for JSON, and the simulated model obeys.
      json: /respond with a single json object/i.test(system),
      images: messages.flatMap((m) => blocks(m.content)).filter((x) => x.type === 'image').length,
      cacheWrite: JSON.stringify(body).includes('"cache_control"'),
      cacheWrite1h: JSON.stringify(body).includes('"ttl":"1h"'),
    };
  },
  body: (a: SimAnswer, r: SimRequest, id: string) => ({
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: r.model,
    content: [
      ...(a.pieces.length ? [{ type: 'text', text: a.pieces.join('') }] : []),
      ...a.toolCalls.map((c) => ({ type: 'tool_use', id: `toolu_${c.id}`, name: c.name, input: c.arguments })),
    ],
    stop_reason: stopReason(a),
    stop_sequence: null,
    usage: usage(a),
  }),
  frames(a: SimAnswer, r: SimRequest, id: string): SseFrame[] {
    const start = {
      type: 'message_start',
      message: {
        id: `msg_${id}`,
        type: 'message',
        role: 'assistant',
        model: r.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage(a), output_tokens: 1 },
      },
    };
    const frames: SseFrame[] = [{ text: sse(start, 'message_start'), content: false }];
    let index = 0;
    if (a.pieces.length) {
      frames.push(
        { text: sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, 'content_block_start'), content: false },
        { text: sse({ type: 'ping' }, 'ping'), content: false },
      );
      for (const piece of a.pieces)
        frames.push({ text: sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'), content: true });
      frames.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop'), content: false });
      index++;
    }
    for (const call of a.toolCalls) {
      const args = JSON.stringify(call.arguments);
      const half = Math.ceil(args.length / 2);
      frames.push({
        text: sse(
          { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${call.id}`, name: call.name, input: {} } },
          'content_block_start',
        ),
        content: true,
      });
      for (const part of [args.slice(0, half), args.slice(half)])
        frames.push({
          text: sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }, 'content_block_delta'),
          content: true,
        });
      frames.push({ text: sse({ type: 'content_block_stop', index }, 'content_block_stop'), content: false });
      index++;
    }
    frames.push({
      text: sse(
        { type: 'message_delta', delta: { stop_reason: stopReason(a), stop_sequence: null }, usage: { output_tokens: a.outputTokens } },
        'message_delta',
      ),
      content: false,
    });
    frames.push({ text: sse({ type: 'message_stop' }, 'message_stop'), content: false });
    return frames;
  },
  error: (status, message) => ({ type: 'error', error: { type: errorTypes[status] ?? 'api_error', message } }),
};
