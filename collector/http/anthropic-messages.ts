import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, Usage } from '../providers/provider.ts';
import type { ChunkSink } from '../dispatch/chat-service.ts';
import type { DispatchError } from '../dispatch/dispatch-error.ts';

// The Anthropic Messages API as an entry point: requests are translated to the canonical
// (OpenAI-shaped) request and answers back, so one dispatcher serves both official SDKs.

const block = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(block)]);

const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: content.optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().optional() }).optional(),
});

const text = (c: z.infer<typeof content>) => (typeof c === 'string' ? c : c.map((b) => b.text ?? '').join(''));

export type MessagesParse = { ok: true; request: ChatRequest } | { ok: false; message: string };

export function parseMessagesBody(body: unknown): MessagesParse {
  const r = messagesRequestSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` };
  }
  const b = r.data;
  const messages: ChatMessage[] = [
    ...(b.system !== undefined ? [{ role: 'system' as const, content: text(b.system) }] : []),
    ...b.messages.map((m) => ({ role: m.role, content: text(m.content) })),
  ];
  return {
    ok: true,
    request: {
      model: b.model,
      messages,
      stream: b.stream ?? false,
      max_tokens: b.max_tokens,
      ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
      ...(b.top_p !== undefined ? { top_p: b.top_p } : {}),
      ...(b.stop_sequences ? { stop: b.stop_sequences } : {}),
      ...(b.metadata?.user_id ? { user: b.metadata.user_id } : {}),
    },
  };
}

type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

function stopReason(finish: ChatCompletion['choices'][number]['finish_reason']): StopReason {
  return finish === 'length' ? 'max_tokens' : finish === 'tool_calls' ? 'tool_use' : finish === 'content_filter' ? 'refusal' : 'end_turn';
}

export function toAnthropicMessage(c: ChatCompletion, requestId: string): unknown {
  const choice = c.choices[0];
  return {
    id: `msg_${requestId.replace(/-/g, '')}`,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: [{ type: 'text', text: choice?.message.content ?? '' }],
    stop_reason: stopReason(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: { input_tokens: c.usage.prompt_tokens, output_tokens: c.usage.completion_tokens },
  };
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** Renders canonical stream chunks as Anthropic SSE events; `open` sends the response head. */
export function anthropicSink(write: (s: string) => void, end: (s: string) => void, open: () => void, model: string, requestId: string): ChunkSink {
  let finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null;
  const responseModel = model;
  const start = () => {
    open();
    write(frame('message_start', { type: 'message_start', message: { id: `msg_${requestId.replace(/-/g, '')}`, type: 'message', role: 'assistant', model: responseModel, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }));
    write(frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
  };
  return {
    open: start,
    chunk(chunk) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) write(frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: choice.delta.content } }));
      finish = choice?.finish_reason ?? finish;
    },
    fail(message) {
      // An error event and no message_stop: the SDK raises instead of returning a cut answer.
      end(frame('error', { type: 'error', error: { type: 'api_error', message } }));
    },
    done(usage: Usage) {
      write(frame('content_block_stop', { type: 'content_block_stop', index: 0 }));
      write(frame('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(finish), stop_sequence: null }, usage: { input_tokens: usage.inputTokens + usage.cachedInputTokens, output_tokens: usage.outputTokens + usage.reasoningTokens } }));
      end(frame('message_stop', { type: 'message_stop' }));
    },
  };
}

const errorTypes: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error' };

/** Anthropic's error body for a dispatcher error. */
export function anthropicError(err: DispatchError): unknown {
  return { type: 'error', error: { type: errorTypes[err.httpStatus] ?? (err.httpStatus === 503 ? 'overloaded_error' : 'api_error'), message: err.message } };
}
