import { contentText, type SimAnswer } from './answer.ts';
import { header, sse, type SimRequest, type SseFrame, type WireFormat } from './wire-format.ts';

const stopReason = (a: SimAnswer) => (a.finishReason === 'length' ? 'max_tokens' : 'end_turn');

function usage(a: SimAnswer) {
  // Anthropic: input_tokens excludes cache reads, which are reported on their own.
  return { input_tokens: a.promptTokens - a.cachedTokens, cache_read_input_tokens: a.cachedTokens, cache_creation_input_tokens: 0, output_tokens: a.outputTokens };
}

const errorTypes: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' };

/** Anthropic Messages API. */
export const anthropicFormat: WireFormat = {
  name: 'anthropic',
  route: (method, path) => (method === 'POST' && path === '/v1/messages' ? {} : null),
  // Newer SDKs send the key as a bearer token; older ones and raw clients use x-api-key.
  authorized: (headers) => header(headers, 'x-api-key').length > 0 || /^Bearer \S+/.test(header(headers, 'authorization')),
  parse(body) {
    const b = body as { model?: unknown; messages?: unknown; system?: unknown; stream?: unknown; max_tokens?: unknown };
    if (typeof b?.model !== 'string') return { error: 'model: Field required' };
    if (typeof b.max_tokens !== 'number') return { error: 'max_tokens: Field required' };
    if (!Array.isArray(b.messages) || b.messages.length === 0) return { error: 'messages: at least one message is required' };
    return {
      model: b.model,
      promptTexts: [contentText(b.system), ...b.messages.map((m: { content?: unknown }) => contentText(m?.content))],
      maxTokens: b.max_tokens,
      stream: b.stream === true,
      includeUsage: true,
    };
  },
  body: (a: SimAnswer, r: SimRequest, id: string) => ({
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: r.model,
    content: [{ type: 'text', text: a.pieces.join('') }],
    stop_reason: stopReason(a),
    stop_sequence: null,
    usage: usage(a),
  }),
  frames(a: SimAnswer, r: SimRequest, id: string): SseFrame[] {
    const start = { type: 'message_start', message: { id: `msg_${id}`, type: 'message', role: 'assistant', model: r.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage(a), output_tokens: 1 } } };
    const frames: SseFrame[] = [
      { text: sse(start, 'message_start'), content: false },
      { text: sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'), content: false },
      { text: sse({ type: 'ping' }, 'ping'), content: false },
    ];
    for (const piece of a.pieces) frames.push({ text: sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'), content: true });
    frames.push({ text: sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'), content: false });
    frames.push({ text: sse({ type: 'message_delta', delta: { stop_reason: stopReason(a), stop_sequence: null }, usage: { output_tokens: a.outputTokens } }, 'message_delta'), content: false });
    frames.push({ text: sse({ type: 'message_stop' }, 'message_stop'), content: false });
    return frames;
  },
  error: (status, message) => ({ type: 'error', error: { type: errorTypes[status] ?? 'api_error', message } }),
};
