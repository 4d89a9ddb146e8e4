import { chunk, guardStream, parseJsonFrame, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import { ProviderError, type ChatCompletion, type ChatRequest, type ProviderAdapter, type ProviderTarget, type StreamEvent, type Usage } from './provider.ts';
import { parseSse } from './sse.ts';

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** OpenAI counts cached tokens inside prompt_tokens and reasoning inside completion_tokens: split them out. */
export function openaiUsage(u: OpenAIUsage | undefined | null): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
    cachedInputTokens: cached,
    outputTokens: Math.max(0, (u?.completion_tokens ?? 0) - reasoning),
    reasoningTokens: reasoning,
  };
}

function requestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  return {
    model: target.model,
    messages: request.messages,
    ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(request.stop !== undefined ? { stop: request.stop } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

const auth = (target: ProviderTarget) => ({ authorization: `Bearer ${target.apiKey}` });

/** OpenAI Chat Completions, also every OpenAI-compatible host (vLLM, Ollama, Groq, …). */
export const openaiAdapter: ProviderAdapter = {
  kind: 'openai',
  async complete(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, false), target, signal);
    const body = (await response.json()) as {
      id: string;
      created: number;
      model: string;
      choices: Array<{ index: number; message: { content: string | null }; finish_reason: FinishReason }>;
      usage?: OpenAIUsage;
    };
    const usage = openaiUsage(body.usage);
    return {
      completion: {
        id: body.id,
        object: 'chat.completion',
        created: body.created,
        model: body.model,
        choices: body.choices.map((c) => ({ index: c.index, message: { role: 'assistant', content: c.message.content }, finish_reason: c.finish_reason })),
        usage: { prompt_tokens: body.usage?.prompt_tokens ?? 0, completion_tokens: body.usage?.completion_tokens ?? 0, total_tokens: (body.usage?.prompt_tokens ?? 0) + (body.usage?.completion_tokens ?? 0) },
      },
      usage,
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${target.baseUrl}/chat/completions`, auth(target), requestBody(request, target, true), target, signal);
    return readStream(response, target, signal);
  },
};

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    if (message.data === '[DONE]') return;
    const frame = parseJsonFrame<{ id: string; created: number; model: string; choices?: Array<{ index: number; delta: { role?: 'assistant'; content?: string | null }; finish_reason: FinishReason }>; usage?: OpenAIUsage | null; error?: { message?: string } }>(message.data);
    if (frame.error) throw new ProviderError('server', frame.error.message ?? 'provider stream error');
    for (const c of frame.choices ?? []) {
      const delta = { ...(c.delta.role ? { role: c.delta.role } : {}), ...(c.delta.content ? { content: c.delta.content } : {}) };
      yield { type: 'chunk', chunk: chunk(frame.id, frame.model, frame.created, delta, c.finish_reason ?? null) };
    }
    if (frame.usage) yield { type: 'usage', usage: openaiUsage(frame.usage) };
  }
  throw streamEndedEarly();
}
