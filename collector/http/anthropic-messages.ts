import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, ContentPart, ToolChoice, Usage } from '../providers/provider.ts';
import type { ChunkSink } from '../dispatch/chat-service.ts';
import type { DispatchError } from '../dispatch/dispatch-error.ts';

// The Anthropic Messages API as an entry point: requests are translated to the canonical
// (OpenAI-shaped) request and answers back, so one dispatcher serves both official SDKs.

const cacheControl = z.looseObject({ type: z.literal('ephemeral') }).optional();
const block = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }),
  z.looseObject({
    type: z.literal('image'),
    source: z.union([
      z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
      z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
    ]),
  }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() }),
  z.looseObject({ type: z.literal('tool_result'), tool_use_id: z.string().min(1), content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(), is_error: z.boolean().optional() }),
]);
type Block = z.infer<typeof block>;
const content = z.union([z.string(), z.array(block)]);

const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }))]).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().optional() }).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()) })).optional(),
  tool_choice: z
    .union([z.looseObject({ type: z.enum(['auto', 'any', 'none']) }), z.looseObject({ type: z.literal('tool'), name: z.string().min(1) })])
    .optional(),
});

const textParts = (blocks: Block[]): ContentPart[] =>
  blocks.flatMap((b): ContentPart[] => {
    if (b.type === 'text') return [{ type: 'text', text: b.text, ...(b.cache_control ? { cache_control: { type: 'ephemeral' as const } } : {}) }];
    if (b.type === 'image') return [{ type: 'image_url', image_url: { url: b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url } }];
    return [];
  });

const resultText = (b: Extract<Block, { type: 'tool_result' }>) => (typeof b.content === 'string' ? b.content : (b.content ?? []).map((p) => p.text ?? '').join(''));

/** One Anthropic turn → canonical messages: tool results become tool messages, tool_use blocks tool calls. */
function canonicalMessages(role: 'user' | 'assistant', c: z.infer<typeof content>): ChatMessage[] {
  if (typeof c === 'string') return [{ role, content: c }];
  if (role === 'assistant') {
    const text = c.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const calls = c.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }] : []));
    return [{ role, content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  const results: ChatMessage[] = c.flatMap((b) => (b.type === 'tool_result' ? [{ role: 'tool' as const, tool_call_id: b.tool_use_id, content: resultText(b) }] : []));
  const parts = textParts(c);
  return [...results, ...(parts.length ? [{ role, content: parts }] : [])];
}

function toolChoice(choice: z.infer<typeof messagesRequestSchema>['tool_choice']): ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: (choice as { name: string }).name } };
  return choice.type === 'any' ? 'required' : choice.type;
}

export type MessagesParse = { ok: true; request: ChatRequest } | { ok: false; message: string };

export function parseMessagesBody(body: unknown): MessagesParse {
  const r = messagesRequestSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `${issue.path.map(String).join('.') || 'body'}: ${issue.message}` };
  }
  const b = r.data;
  const system: ChatMessage[] = b.system === undefined ? [] : [{ role: 'system', content: typeof b.system === 'string' ? b.system : textParts(b.system) }];
  const choice = toolChoice(b.tool_choice);
  return {
    ok: true,
    request: {
      model: b.model,
      messages: [...system, ...b.messages.flatMap((m) => canonicalMessages(m.role, m.content))],
      stream: b.stream ?? false,
      max_tokens: b.max_tokens,
      ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
      ...(b.top_p !== undefined ? { top_p: b.top_p } : {}),
      ...(b.stop_sequences ? { stop: b.stop_sequences } : {}),
      ...(b.metadata?.user_id ? { user: b.metadata.user_id } : {}),
      ...(b.tools?.length ? { tools: b.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema } })) } : {}),
      ...(choice ? { tool_choice: choice } : {}),
    },
  };
}

type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

function stopReason(finish: ChatCompletion['choices'][number]['finish_reason']): StopReason {
  return finish === 'length' ? 'max_tokens' : finish === 'tool_calls' ? 'tool_use' : finish === 'content_filter' ? 'refusal' : 'end_turn';
}

const parseArguments = (text: string): unknown => {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
};

export function toAnthropicMessage(c: ChatCompletion, requestId: string): unknown {
  const choice = c.choices[0];
  const text = choice?.message.content ?? '';
  const toolUses = (choice?.message.tool_calls ?? []).map((t) => ({ type: 'tool_use', id: t.id, name: t.function.name, input: parseArguments(t.function.arguments) }));
  return {
    id: `msg_${requestId.replace(/-/g, '')}`,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: [...(text || !toolUses.length ? [{ type: 'text', text }] : []), ...toolUses],
    stop_reason: stopReason(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: { input_tokens: c.usage.prompt_tokens, output_tokens: c.usage.completion_tokens },
  };
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Renders canonical stream chunks as Anthropic SSE events; `open` sends the response head.
 * Content blocks open lazily: text as it first appears, one block per tool call.
 */
export function anthropicSink(write: (s: string) => void, end: (s: string) => void, open: () => void, model: string, requestId: string): ChunkSink {
  let finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null;
  let blockIndex = -1;
  let openBlock: 'text' | number | null = null;
  const startBlock = (kind: 'text' | number, contentBlock: unknown) => {
    if (openBlock !== null) write(frame('content_block_stop', { type: 'content_block_stop', index: blockIndex }));
    blockIndex++;
    openBlock = kind;
    write(frame('content_block_start', { type: 'content_block_start', index: blockIndex, content_block: contentBlock }));
  };
  return {
    open() {
      open();
      write(frame('message_start', { type: 'message_start', message: { id: `msg_${requestId.replace(/-/g, '')}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }));
    },
    chunk(chunk) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        if (openBlock !== 'text') startBlock('text', { type: 'text', text: '' });
        write(frame('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text: choice.delta.content } }));
      }
      for (const call of choice?.delta.tool_calls ?? []) {
        if (openBlock !== call.index) startBlock(call.index, { type: 'tool_use', id: call.id ?? '', name: call.function.name ?? '', input: {} });
        if (call.function.arguments) write(frame('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta: { type: 'input_json_delta', partial_json: call.function.arguments } }));
      }
      finish = choice?.finish_reason ?? finish;
    },
    fail(message) {
      // An error event and no message_stop: the SDK raises instead of returning a cut answer.
      end(frame('error', { type: 'error', error: { type: 'api_error', message } }));
    },
    done(usage: Usage) {
      if (openBlock === null) startBlock('text', { type: 'text', text: '' });
      write(frame('content_block_stop', { type: 'content_block_stop', index: blockIndex }));
      write(frame('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(finish), stop_sequence: null }, usage: { input_tokens: usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens, output_tokens: usage.outputTokens + usage.reasoningTokens } }));
      end(frame('message_stop', { type: 'message_stop' }));
    },
  };
}

const errorTypes: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error' };

/** Anthropic's error body for a dispatcher error. */
export function anthropicError(err: DispatchError): unknown {
  return { type: 'error', error: { type: errorTypes[err.httpStatus] ?? (err.httpStatus === 503 ? 'overloaded_error' : 'api_error'), message: err.message } };
}
