import { openaiUsageBody, providerFields } from './canonical-content.ts';
import { anthropicRequestBody } from './anthropic-request.ts';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { anthropicFrameSchema, anthropicResponseSchema, type AnthropicResponse, type AnthropicUsage } from './anthropic-wire.ts';
import { chunk, guardStream, parseJsonFrame, parseProviderJson, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import {
  ProviderError,
  type FinishReason,
  type ProviderAdapter,
  type ProviderErrorKind,
  type ProviderTarget,
  type StreamEvent,
  type ThinkingBlock,
  type ToolCall,
  type Usage,
} from './provider.ts';
import { parseSse } from './sse.ts';
import { argumentsJson, ToolCallStream } from './tool-call-stream.ts';
import type { CancelSignal } from '../../core/cancel.ts';

export { DEFAULT_MAX_TOKENS } from './anthropic-request.ts';

/**
 * Anthropic reports cache reads and cache writes beside input_tokens, not inside: three disjoint
 * buckets already. `cache_creation` splits the writes by TTL; the 1-hour ones are priced apart.
 */
export function anthropicUsage(u: AnthropicUsage | undefined | null, thinkingText = ''): Usage {
  const hour = u?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const output = u?.output_tokens ?? 0;
  // output_tokens includes thinking, which Anthropic does not count apart: the thinking text is
  // counted with a tokenizer so each face can report it (OpenAI's reasoning_tokens); both bill
  // at the output rate, so the cost is the provider's either way.
  const reasoning = thinkingText ? Math.min(output, countTokens(thinkingText)) : 0;
  return {
    inputTokens: u?.input_tokens ?? 0,
    cachedInputTokens: u?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u?.cache_creation_input_tokens ?? 0,
    ...(hour > 0 ? { cacheWrite1hTokens: hour } : {}),
    outputTokens: output - reasoning,
    reasoningTokens: reasoning,
  };
}

/** Thinking and redacted-thinking blocks of an answer, in order, signatures kept. */
function thinkingBlocks(content: AnthropicResponse['content']): ThinkingBlock[] {
  return content.flatMap((b): ThinkingBlock[] => {
    if (b.type === 'thinking') return [{ type: 'thinking', thinking: b.thinking ?? '', signature: b.signature ?? '' }];
    if (b.type === 'redacted_thinking') return [{ type: 'redacted_thinking', data: b.data ?? '' }];
    return [];
  });
}

const thinkingTextOf = (blocks: ThinkingBlock[]) => blocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');

export function anthropicFinish(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return 'stop';
  }
}

/** Error types of Anthropic's error events and bodies (docs.anthropic.com/en/api/errors). */
export function anthropicErrorKind(type: string | null | undefined): ProviderErrorKind {
  switch (type) {
    case 'rate_limit_error':
      return 'rate_limited';
    case 'overloaded_error':
      return 'overloaded';
    case 'invalid_request_error':
      return 'invalid_request';
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    default:
      return 'server';
  }
}

/** Cache writes of a 1-hour TTL, also kept among the provider's fields for those reading them there. */
function cacheTtlFields(u: AnthropicUsage | null | undefined): Record<string, unknown> {
  const hour = u?.cache_creation?.ephemeral_1h_input_tokens;
  return hour ? { cache_write_1h_tokens: hour } : {};
}

const headers = (target: ProviderTarget) => ({ 'x-api-key': target.apiKey, 'anthropic-version': '2023-06-01' });

/** Anthropic Messages API. */
export const anthropicAdapter: ProviderAdapter = {
  kind: 'anthropic',
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), anthropicRequestBody(request, target, false), target, signal);
    const body = parseProviderJson(anthropicResponseSchema, await response.json(), 'message');
    const thinking = thinkingBlocks(body.content);
    const usage = anthropicUsage(body.usage, thinkingTextOf(thinking));
    const toolCalls: ToolCall[] = body.content
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ id: b.id ?? '', type: 'function', function: { name: b.name ?? '', arguments: argumentsJson(JSON.stringify(b.input ?? {})) } }));
    const text = body.content
      .filter((b) => b.type === 'text')
      .map((b) => b.text ?? '')
      .join('');
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model || target.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text || (toolCalls.length ? null : ''),
              ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
              ...(thinking.length ? { reasoning_content: thinkingTextOf(thinking), thinking_blocks: thinking } : {}),
            },
            finish_reason: anthropicFinish(body.stop_reason),
          },
        ],
        ...(body.usage ? { usage: openaiUsageBody(usage) } : {}),
      },
      usage,
      ...(body.usage ? {} : { usageMissing: true }),
      providerFields: providerFields({ stop_reason: body.stop_reason, stop_sequence: body.stop_sequence, ...cacheTtlFields(body.usage) }),
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), anthropicRequestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

/**
 * Anthropic SSE → canonical chunks. The input counts arrive in `message_start` and are passed on
 * at once (a `usage` event), so a face can show them before the answer ends; `message_delta`
 * brings the output count. Content blocks are numbered across text and tool use; tool calls
 * get their own dense index, in the order they start.
 */
async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: CancelSignal): AsyncGenerator<StreamEvent> {
  const created = Math.floor(Date.now() / 1000);
  let id = '';
  let model = target.model;
  let usage: AnthropicUsage = {};
  let reported = false;
  let finish: FinishReason = null;
  let fields: Record<string, unknown> = {};
  let thinkingText = '';
  const toolIndex = new Map<number, number>();
  const calls = new ToolCallStream();
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    const frame = parseJsonFrame(message.data, anthropicFrameSchema);
    const blockIndex = frame.index ?? 0;
    switch (frame.type) {
      case 'message_start':
        id = frame.message?.id ?? id;
        model = frame.message?.model || model;
        usage = { ...frame.message?.usage };
        reported = Boolean(frame.message?.usage);
        yield { type: 'chunk', chunk: chunk(id, model, created, { role: 'assistant' }) };
        if (reported) yield { type: 'usage', usage: anthropicUsage(usage) };
        break;
      case 'content_block_start':
        if (frame.content_block?.type === 'tool_use') {
          const index = toolIndex.size;
          toolIndex.set(blockIndex, index);
          const delta = calls.note({
            index,
            id: frame.content_block.id ?? '',
            type: 'function',
            function: { name: frame.content_block.name ?? '', arguments: '' },
          });
          yield { type: 'chunk', chunk: chunk(id, model, created, { tool_calls: [delta] }) };
        }
        if (frame.content_block?.type === 'redacted_thinking')
          yield { type: 'chunk', chunk: chunk(id, model, created, { thinking_blocks: [{ type: 'redacted_thinking', data: frame.content_block.data ?? '' }] }) };
        break;
      case 'content_block_delta':
        if (frame.delta?.type === 'thinking_delta' && frame.delta.thinking) {
          thinkingText += frame.delta.thinking;
          yield { type: 'chunk', chunk: chunk(id, model, created, { reasoning_content: frame.delta.thinking }) };
        }
        if (frame.delta?.type === 'signature_delta' && frame.delta.signature)
          yield {
            type: 'chunk',
            chunk: chunk(id, model, created, { thinking_blocks: [{ type: 'thinking', thinking: '', signature: frame.delta.signature }] }),
          };
        if (frame.delta?.type === 'text_delta' && frame.delta.text) yield { type: 'chunk', chunk: chunk(id, model, created, { content: frame.delta.text }) };
        if (frame.delta?.type === 'input_json_delta' && frame.delta.partial_json) {
          const delta = calls.note({ index: toolIndex.get(blockIndex) ?? 0, function: { arguments: frame.delta.partial_json } });
          yield { type: 'chunk', chunk: chunk(id, model, created, { tool_calls: [delta] }) };
        }
        break;
      case 'content_block_stop': {
        const index = toolIndex.get(blockIndex);
        const closing = index === undefined ? null : calls.close(index);
        if (closing) yield { type: 'chunk', chunk: chunk(id, model, created, { tool_calls: [closing] }) };
        break;
      }
      case 'message_delta':
        finish = anthropicFinish(frame.delta?.stop_reason);
        fields = { stop_reason: frame.delta?.stop_reason, stop_sequence: frame.delta?.stop_sequence };
        // message_delta's usage is cumulative; newer API versions repeat the input counts in it.
        if (frame.usage) {
          reported = true;
          usage = { ...usage, ...Object.fromEntries(Object.entries(frame.usage).filter(([, v]) => v !== null && v !== undefined)) };
        }
        break;
      case 'message_stop':
        yield { type: 'chunk', chunk: chunk(id, model, created, {}, finish ?? 'stop') };
        if (reported) yield { type: 'usage', usage: anthropicUsage(usage, thinkingText) };
        yield { type: 'provider_fields', fields: providerFields({ ...fields, ...cacheTtlFields(usage) }) };
        return;
      case 'error':
        throw new ProviderError(anthropicErrorKind(frame.error?.type), frame.error?.message ?? 'provider stream error');
    }
  }
  throw streamEndedEarly();
}
