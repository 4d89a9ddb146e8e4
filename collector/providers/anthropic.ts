import { contentParts, imageSource, jsonInstruction, messageText, providerFields, stopList, toolArguments } from './canonical-content.ts';
import { chunk, guardStream, parseJsonFrame, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import { ProviderError, type ChatMessage, type ChatRequest, type FinishReason, type ProviderAdapter, type ProviderTarget, type StreamEvent, type ToolCall, type ToolChoice, type Usage } from './provider.ts';
import { parseSse } from './sse.ts';

/** Anthropic requires max_tokens; this is what a request without one gets. */
export const DEFAULT_MAX_TOKENS = 1024;

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic reports cache reads and cache writes beside input_tokens, not inside: three disjoint buckets already. */
export function anthropicUsage(u: AnthropicUsage | undefined): Usage {
  return {
    inputTokens: u?.input_tokens ?? 0,
    cachedInputTokens: u?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u?.cache_creation_input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    reasoningTokens: 0,
  };
}

export function anthropicFinish(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
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

type Block = Record<string, unknown>;

function userBlocks(message: ChatMessage): Block[] {
  return contentParts(message.content).map((part): Block => {
    if (part.type === 'text') return { type: 'text', text: part.text, ...(part.cache_control ? { cache_control: { type: 'ephemeral' } } : {}) };
    const source = imageSource(part.image_url.url);
    return { type: 'image', source: source.kind === 'base64' ? { type: 'base64', media_type: source.mediaType, data: source.data } : { type: 'url', url: source.url } };
  });
}

function assistantBlocks(message: ChatMessage): Block[] {
  const text = messageText(message.content);
  const calls = (message.tool_calls ?? []).map((c): Block => ({ type: 'tool_use', id: c.id, name: c.function.name, input: toolArguments(c.function.arguments) }));
  return [...(text ? [{ type: 'text', text }] : []), ...calls];
}

/**
 * Canonical turns → Anthropic turns: tool results travel as `tool_result` blocks in a user
 * turn, and consecutive turns of one role are merged because Anthropic wants them alternating.
 */
function anthropicMessages(messages: ChatMessage[]): Array<{ role: 'user' | 'assistant'; content: Block[] }> {
  const out: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = m.role === 'assistant' ? assistantBlocks(m) : m.role === 'tool' ? [{ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: messageText(m.content) }] : userBlocks(m);
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

function anthropicToolChoice(choice: ToolChoice): Block {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.function.name };
}

function requestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  // Anthropic has no JSON mode: the instruction joins the system prompt.
  const system = [...request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => messageText(m.content)), jsonInstruction(request.response_format)].filter(Boolean);
  const stop = stopList(request.stop);
  return {
    model: target.model,
    max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: anthropicMessages(request.messages),
    ...(system.length ? { system: system.join('\n\n') } : {}),
    // Anthropic's temperature range is 0–1; OpenAI's is 0–2.
    ...(request.temperature !== undefined ? { temperature: Math.min(1, request.temperature) } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...(request.tools?.length
      ? { tools: request.tools.map((t) => ({ name: t.function.name, ...(t.function.description ? { description: t.function.description } : {}), input_schema: t.function.parameters ?? { type: 'object', properties: {} } })) }
      : {}),
    ...(request.tools?.length && request.tool_choice !== undefined ? { tool_choice: anthropicToolChoice(request.tool_choice) } : {}),
    ...(stream ? { stream: true } : {}),
  };
}

const headers = (target: ProviderTarget) => ({ 'x-api-key': target.apiKey, 'anthropic-version': '2023-06-01' });

interface AnthropicResponse {
  id: string;
  model: string;
  content: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage: AnthropicUsage;
}

/** Anthropic Messages API. */
export const anthropicAdapter: ProviderAdapter = {
  kind: 'anthropic',
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), requestBody(request, target, false), target, signal);
    const body = (await response.json()) as AnthropicResponse;
    const usage = anthropicUsage(body.usage);
    const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
    const toolCalls: ToolCall[] = body.content
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ id: b.id ?? '', type: 'function', function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) } }));
    const text = body.content.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: anthropicFinish(body.stop_reason) }],
        usage: { prompt_tokens: prompt, completion_tokens: usage.outputTokens, total_tokens: prompt + usage.outputTokens },
      },
      usage,
      providerFields: providerFields({ stop_reason: body.stop_reason, stop_sequence: body.stop_sequence }),
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), requestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

type AnthropicFrame = {
  type: string;
  index?: number;
  message?: { id: string; model: string; usage?: AnthropicUsage };
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null; stop_sequence?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
};

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const created = Math.floor(Date.now() / 1000);
  let id = '';
  let model = target.model;
  let usage: AnthropicUsage = {};
  let finish: FinishReason = null;
  let fields: Record<string, unknown> = {};
  /** Anthropic block index → canonical tool-call index. */
  const toolIndex = new Map<number, number>();
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    const frame = parseJsonFrame<AnthropicFrame>(message.data);
    switch (frame.type) {
      case 'message_start':
        id = frame.message?.id ?? id;
        model = frame.message?.model ?? model;
        usage = { ...frame.message?.usage };
        yield { type: 'chunk', chunk: chunk(id, model, created, { role: 'assistant' }) };
        break;
      case 'content_block_start':
        if (frame.content_block?.type === 'tool_use') {
          const index = toolIndex.size;
          toolIndex.set(frame.index ?? 0, index);
          yield { type: 'chunk', chunk: chunk(id, model, created, { tool_calls: [{ index, id: frame.content_block.id ?? '', type: 'function', function: { name: frame.content_block.name ?? '', arguments: '' } }] }) };
        }
        break;
      case 'content_block_delta':
        if (frame.delta?.type === 'text_delta' && frame.delta.text) yield { type: 'chunk', chunk: chunk(id, model, created, { content: frame.delta.text }) };
        if (frame.delta?.type === 'input_json_delta' && frame.delta.partial_json) {
          const index = toolIndex.get(frame.index ?? 0) ?? 0;
          yield { type: 'chunk', chunk: chunk(id, model, created, { tool_calls: [{ index, function: { arguments: frame.delta.partial_json } }] }) };
        }
        break;
      case 'message_delta':
        finish = anthropicFinish(frame.delta?.stop_reason);
        fields = { stop_reason: frame.delta?.stop_reason, stop_sequence: frame.delta?.stop_sequence };
        usage = { ...usage, output_tokens: frame.usage?.output_tokens ?? usage.output_tokens };
        break;
      case 'message_stop':
        yield { type: 'chunk', chunk: chunk(id, model, created, {}, finish ?? 'stop') };
        yield { type: 'usage', usage: anthropicUsage(usage) };
        yield { type: 'provider_fields', fields: providerFields(fields) };
        return;
      case 'error': {
        const kind = frame.error?.type === 'rate_limit_error' ? 'rate_limited' : frame.error?.type === 'overloaded_error' ? 'overloaded' : 'server';
        throw new ProviderError(kind, frame.error?.message ?? 'provider stream error');
      }
    }
  }
  throw streamEndedEarly();
}
