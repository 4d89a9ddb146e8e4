import { chunk, guardStream, messageText, parseJsonFrame, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import { ProviderError, type ChatCompletion, type ChatRequest, type ProviderAdapter, type ProviderTarget, type StreamEvent, type Usage } from './provider.ts';
import { parseSse } from './sse.ts';

/** Anthropic requires max_tokens; this is what a request without one gets. */
export const DEFAULT_MAX_TOKENS = 1024;

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** Anthropic reports cache reads beside input_tokens, not inside; cache writes bill as input. */
export function anthropicUsage(u: AnthropicUsage | undefined): Usage {
  return {
    inputTokens: (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0),
    cachedInputTokens: u?.cache_read_input_tokens ?? 0,
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

function requestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  const system = request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => messageText(m.content));
  const messages = request.messages
    .filter((m) => m.role !== 'system' && m.role !== 'developer')
    .map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: messageText(m.content) }));
  const stop = request.stop === undefined ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  return {
    model: target.model,
    max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system.length ? { system: system.join('\n\n') } : {}),
    // Anthropic's temperature range is 0–1; OpenAI's is 0–2.
    ...(request.temperature !== undefined ? { temperature: Math.min(1, request.temperature) } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...(stream ? { stream: true } : {}),
  };
}

const headers = (target: ProviderTarget) => ({ 'x-api-key': target.apiKey, 'anthropic-version': '2023-06-01' });

/** Anthropic Messages API. */
export const anthropicAdapter: ProviderAdapter = {
  kind: 'anthropic',
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), requestBody(request, target, false), target, signal);
    const body = (await response.json()) as { id: string; model: string; content: Array<{ type: string; text?: string }>; stop_reason: string | null; usage: AnthropicUsage };
    const usage = anthropicUsage(body.usage);
    const prompt = usage.inputTokens + usage.cachedInputTokens;
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: body.content.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('') }, finish_reason: anthropicFinish(body.stop_reason) }],
        usage: { prompt_tokens: prompt, completion_tokens: usage.outputTokens, total_tokens: prompt + usage.outputTokens },
      },
      usage,
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/v1/messages`, headers(target), requestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

type AnthropicFrame = {
  type: string;
  message?: { id: string; model: string; usage?: AnthropicUsage };
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
};

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const created = Math.floor(Date.now() / 1000);
  let id = '';
  let model = target.model;
  let usage: AnthropicUsage = {};
  let finish: FinishReason = null;
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    const frame = parseJsonFrame<AnthropicFrame>(message.data);
    switch (frame.type) {
      case 'message_start':
        id = frame.message?.id ?? id;
        model = frame.message?.model ?? model;
        usage = { ...frame.message?.usage };
        yield { type: 'chunk', chunk: chunk(id, model, created, { role: 'assistant' }) };
        break;
      case 'content_block_delta':
        if (frame.delta?.type === 'text_delta' && frame.delta.text) yield { type: 'chunk', chunk: chunk(id, model, created, { content: frame.delta.text }) };
        break;
      case 'message_delta':
        finish = anthropicFinish(frame.delta?.stop_reason);
        usage = { ...usage, output_tokens: frame.usage?.output_tokens ?? usage.output_tokens };
        break;
      case 'message_stop':
        yield { type: 'chunk', chunk: chunk(id, model, created, {}, finish ?? 'stop') };
        yield { type: 'usage', usage: anthropicUsage(usage) };
        return;
      case 'error': {
        const kind = frame.error?.type === 'rate_limit_error' ? 'rate_limited' : 'server';
        throw new ProviderError(kind, frame.error?.message ?? 'provider stream error');
      }
    }
  }
  throw streamEndedEarly();
}
