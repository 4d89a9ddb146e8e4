import { providerFields } from './canonical-content.ts';
import { chunk, guardStream, parseJsonFrame, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import { ProviderError, type ChatRequest, type FinishReason, type ProviderAdapter, type ProviderTarget, type StreamEvent, type ToolCall, type ToolCallDelta, type Usage } from './provider.ts';
import { parseSse } from './sse.ts';

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens: split them out. */
export function openaiUsage(u: OpenAIUsage | undefined | null): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
    cachedInputTokens: cached,
    // OpenAI caches prompts automatically and does not bill cache writes.
    cacheWriteTokens: 0,
    outputTokens: Math.max(0, (u?.completion_tokens ?? 0) - reasoning),
    reasoningTokens: reasoning,
  };
}

/** The canonical request is OpenAI's own shape: only the deployment's model and streaming options change. */
function requestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  return {
    model: target.model,
    messages: request.messages,
    ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(request.stop !== undefined ? { stop: request.stop } : {}),
    ...(request.tools?.length ? { tools: request.tools } : {}),
    ...(request.tool_choice !== undefined ? { tool_choice: request.tool_choice } : {}),
    ...(request.response_format !== undefined ? { response_format: request.response_format } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

const auth = (target: ProviderTarget) => ({ authorization: `Bearer ${target.apiKey}` });

interface OpenAIResponse {
  id: string;
  created: number;
  model: string;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  choices: Array<{ index: number; message: { content: string | null; tool_calls?: ToolCall[] | null; refusal?: string | null }; finish_reason: string | null }>;
  usage?: OpenAIUsage;
}

/** Compatible hosts sometimes report `function_call` or `eos`; anything unknown ends normally. */
export function openaiFinish(reason: string | null | undefined): FinishReason {
  if (reason === null || reason === undefined) return null;
  if (reason === 'length' || reason === 'content_filter' || reason === 'tool_calls') return reason;
  return reason === 'function_call' ? 'tool_calls' : 'stop';
}

/** OpenAI Chat Completions, also every OpenAI-compatible host (vLLM, Ollama, Groq, …). */
export const openaiAdapter: ProviderAdapter = {
  kind: 'openai',
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, false), target, signal);
    const body = (await response.json()) as OpenAIResponse;
    const promptTokens = body.usage?.prompt_tokens ?? 0;
    const completionTokens = body.usage?.completion_tokens ?? 0;
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: body.created,
        model: body.model,
        choices: body.choices.map((c) => ({
          index: c.index,
          message: { role: 'assistant', content: c.message.content, ...(c.message.tool_calls?.length ? { tool_calls: c.message.tool_calls } : {}) },
          finish_reason: openaiFinish(c.finish_reason),
        })),
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        ...(body.system_fingerprint ? { system_fingerprint: body.system_fingerprint } : {}),
      },
      usage: openaiUsage(body.usage),
      providerFields: providerFields({ finish_reason: body.choices[0]?.finish_reason, system_fingerprint: body.system_fingerprint, service_tier: body.service_tier, refusal: body.choices[0]?.message.refusal }),
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

interface OpenAIFrame {
  id: string;
  created: number;
  model: string;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  choices?: Array<{ index: number; delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[] | null }; finish_reason: string | null }>;
  usage?: OpenAIUsage | null;
  error?: { message?: string };
}

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  let fields: Record<string, unknown> = {};
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    if (message.data === '[DONE]') {
      yield { type: 'provider_fields', fields: providerFields(fields) };
      return;
    }
    const frame = parseJsonFrame<OpenAIFrame>(message.data);
    if (frame.error) throw new ProviderError('server', frame.error.message ?? 'provider stream error');
    fields = { ...fields, system_fingerprint: frame.system_fingerprint ?? fields['system_fingerprint'], service_tier: frame.service_tier ?? fields['service_tier'] };
    for (const c of frame.choices ?? []) {
      if (c.finish_reason) fields['finish_reason'] = c.finish_reason;
      const delta = {
        ...(c.delta.role ? { role: c.delta.role } : {}),
        ...(c.delta.content ? { content: c.delta.content } : {}),
        ...(c.delta.tool_calls?.length ? { tool_calls: c.delta.tool_calls } : {}),
      };
      yield { type: 'chunk', chunk: chunk(frame.id, frame.model, frame.created, delta, openaiFinish(c.finish_reason)) };
    }
    if (frame.usage) yield { type: 'usage', usage: openaiUsage(frame.usage) };
  }
  throw streamEndedEarly();
}
