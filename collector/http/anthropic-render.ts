import type { ChatAnswer, ChunkSink } from '../dispatch/chat-service.ts';
import type { DispatchError } from '../dispatch/dispatch-error.ts';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../providers/provider.ts';
import { AnthropicToolBlocks } from './anthropic-tool-blocks.ts';

// Canonical answers rendered in the Anthropic Messages format
// (docs.anthropic.com/en/api/messages, …/messages-streaming, …/errors).

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

/** Tool-use ids in Anthropic's own format (`toolu_…`), whichever provider minted them. */
export const anthropicFaceToolId = (id: string) => (id.startsWith('toolu_') ? id : `toolu_${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`);

/**
 * Usage in Anthropic's semantics: `input_tokens` is uncached input only, cache reads and writes
 * are beside it (the writes split by TTL in `cache_creation`), and output includes thinking.
 */
export function anthropicUsageBody(u: Usage): {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
} {
  const hour = Math.min(u.cacheWrite1hTokens ?? 0, u.cacheWriteTokens);
  return {
    input_tokens: u.inputTokens,
    cache_read_input_tokens: u.cachedInputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens - hour, ephemeral_1h_input_tokens: hour },
    output_tokens: u.outputTokens + u.reasoningTokens,
  };
}

/** Canonical usage back from an OpenAI-shaped one, for answers that carry no canonical usage (a cached replay). */
function usageOf(c: ChatCompletion): Usage {
  const cached = c.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = c.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: (c.usage?.prompt_tokens ?? 0) - cached,
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: (c.usage?.completion_tokens ?? 0) - reasoning,
    reasoningTokens: reasoning,
  };
}

export function toAnthropicMessage(answer: ChatAnswer, requestId: string): unknown {
  const c = answer.completion;
  const choice = c.choices[0];
  // An OpenAI refusal is Anthropic's `refusal` stop, with its words as the text.
  const refusal = choice?.message.refusal;
  const text = choice?.message.content ?? refusal ?? '';
  const toolUses = (choice?.message.tool_calls ?? []).map((t) => ({
    type: 'tool_use',
    id: anthropicFaceToolId(t.id),
    name: t.function.name,
    input: parseArguments(t.function.arguments),
  }));
  // Thinking blocks come first, as Anthropic orders them, with their signatures.
  const thinking = choice?.message.thinking_blocks ?? [];
  return {
    id: `msg_${requestId.replace(/-/g, '')}`,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: [...thinking, ...(text || !toolUses.length ? [{ type: 'text', text }] : []), ...toolUses],
    stop_reason: refusal ? 'refusal' : stopReason(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: anthropicUsageBody(answer.usage ?? usageOf(c)),
  };
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

type OpenBlock = 'text' | 'thinking' | 'signed' | 'redacted' | number | null;

/**
 * Renders canonical stream chunks as Anthropic SSE events; `open` sends the response head and
 * `message_start` with the serving model and the input counts known at that point. Content
 * blocks open lazily: thinking as it first appears (closed by its signature), text likewise,
 * one block per tool call.
 */
export function anthropicSink(write: (s: string) => void, end: (s: string) => void, open: () => void, requestId: string): ChunkSink {
  let finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null;
  let blockIndex = -1;
  let openBlock: OpenBlock = null;
  let refused = false;
  const delta = (d: unknown) => write(frame('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta: d }));
  const thinking = (choice: ChatCompletionChunk['choices'][number] | undefined) => {
    if (choice?.delta.reasoning_content) {
      if (openBlock !== 'thinking') startBlock('thinking', { type: 'thinking', thinking: '' });
      delta({ type: 'thinking_delta', thinking: choice.delta.reasoning_content });
    }
    for (const b of choice?.delta.thinking_blocks ?? []) {
      if (b.type === 'redacted_thinking') {
        startBlock('redacted', b);
      } else {
        // A signature closes the thinking streamed so far; a signed block without text still gets one.
        if (openBlock !== 'thinking') startBlock('thinking', { type: 'thinking', thinking: '' });
        delta({ type: 'signature_delta', signature: b.signature });
        openBlock = 'signed';
      }
    }
  };
  const startBlock = (kind: Exclude<OpenBlock, null>, contentBlock: unknown) => {
    if (openBlock !== null) write(frame('content_block_stop', { type: 'content_block_stop', index: blockIndex }));
    blockIndex++;
    openBlock = kind;
    write(frame('content_block_start', { type: 'content_block_start', index: blockIndex, content_block: contentBlock }));
  };
  const tools = new AnthropicToolBlocks(
    {
      start: (index, contentBlock) => startBlock(index, contentBlock),
      arguments: (partialJson) => delta({ type: 'input_json_delta', partial_json: partialJson }),
      isOpen: (index) => openBlock === index,
    },
    anthropicFaceToolId,
  );
  return {
    open(start) {
      open();
      const usage = start.usage
        ? { ...anthropicUsageBody(start.usage), output_tokens: Math.max(1, start.usage.outputTokens) }
        : { input_tokens: 0, output_tokens: 0 };
      write(
        frame('message_start', {
          type: 'message_start',
          message: {
            id: `msg_${requestId.replace(/-/g, '')}`,
            type: 'message',
            role: 'assistant',
            model: start.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage,
          },
        }),
      );
    },
    chunk(chunk) {
      const choice = chunk.choices[0];
      thinking(choice);
      if (choice?.delta.refusal) refused = true;
      const text = choice?.delta.content ?? choice?.delta.refusal;
      if (text) {
        if (openBlock !== 'text') startBlock('text', { type: 'text', text: '' });
        write(frame('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text } }));
      }
      for (const call of choice?.delta.tool_calls ?? []) tools.piece(call);
      finish = choice?.finish_reason ?? finish;
    },
    fail(message) {
      // An error event and no message_stop: the SDK raises instead of returning a cut answer.
      end(frame('error', { type: 'error', error: { type: 'api_error', message } }));
    },
    done(usage) {
      tools.flush();
      if (openBlock === null) startBlock('text', { type: 'text', text: '' });
      write(frame('content_block_stop', { type: 'content_block_stop', index: blockIndex }));
      // Anthropic's format requires counts here: when the provider reported none, the shim's own count.
      write(
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: refused ? 'refusal' : stopReason(finish), stop_sequence: null },
          usage: anthropicUsageBody(usage.usage),
        }),
      );
      end(frame('message_stop', { type: 'message_stop' }));
    },
  };
}

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/**
 * Anthropic's error body for a dispatcher error. Statuses Anthropic does not list (405, 415, 422…)
 * are the caller's to fix, so other 4xx are `invalid_request_error`; only 5xx are `api_error`.
 */
export function anthropicError(err: DispatchError): unknown {
  const type = errorTypes[err.httpStatus] ?? (err.httpStatus >= 400 && err.httpStatus < 500 ? 'invalid_request_error' : 'api_error');
  return { type: 'error', error: { type, message: err.message } };
}
