import { chunk, guardStream, messageText, parseJsonFrame, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import type { ChatCompletion, ChatRequest, ProviderAdapter, ProviderTarget, StreamEvent, Usage } from './provider.ts';
import { parseSse } from './sse.ts';

interface GeminiUsage {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
}

interface GeminiResponse {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> }; finishReason?: string }>;
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
}

type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** Gemini counts cached tokens inside promptTokenCount and thoughts outside candidatesTokenCount. */
export function geminiUsage(u: GeminiUsage | undefined): Usage {
  const cached = u?.cachedContentTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (u?.promptTokenCount ?? 0) - cached),
    cachedInputTokens: cached,
    outputTokens: u?.candidatesTokenCount ?? 0,
    reasoningTokens: u?.thoughtsTokenCount ?? 0,
  };
}

export function geminiFinish(reason: string | undefined): FinishReason {
  if (!reason) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII'].includes(reason)) return 'content_filter';
  return 'stop';
}

function requestBody(request: ChatRequest) {
  const system = request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => messageText(m.content));
  const contents = request.messages
    .filter((m) => m.role !== 'system' && m.role !== 'developer')
    .map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: messageText(m.content) }] }));
  const stop = request.stop === undefined ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  return {
    contents,
    ...(system.length ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] } } : {}),
    generationConfig: {
      ...(request.max_tokens !== undefined ? { maxOutputTokens: request.max_tokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
      ...(stop ? { stopSequences: stop } : {}),
    },
  };
}

const visibleText = (r: GeminiResponse) => (r.candidates?.[0]?.content?.parts ?? []).filter((p) => !p.thought).map((p) => p.text ?? '').join('');
const url = (target: ProviderTarget, method: string) => `${target.baseUrl}/v1beta/models/${encodeURIComponent(target.model)}:${method}`;
const headers = (target: ProviderTarget) => ({ 'x-goog-api-key': target.apiKey });

/** Gemini generateContent / streamGenerateContent. */
export const geminiAdapter: ProviderAdapter = {
  kind: 'gemini',
  async complete(request, target, signal) {
    const response = await postJson(url(target, 'generateContent'), headers(target), requestBody(request), target, signal);
    const body = (await response.json()) as GeminiResponse;
    const usage = geminiUsage(body.usageMetadata);
    const prompt = usage.inputTokens + usage.cachedInputTokens;
    const completionTokens = usage.outputTokens + usage.reasoningTokens;
    return {
      completion: {
        id: body.responseId ?? `gemini-${crypto.randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.modelVersion ?? target.model,
        choices: [{ index: 0, message: { role: 'assistant', content: visibleText(body) }, finish_reason: geminiFinish(body.candidates?.[0]?.finishReason) ?? 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
      },
      usage,
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${url(target, 'streamGenerateContent')}?alt=sse`, headers(target), requestBody(request), target, signal);
    return readStream(response, target, signal);
  },
};

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const created = Math.floor(Date.now() / 1000);
  let finished = false;
  let usage: GeminiUsage | undefined;
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    const frame = parseJsonFrame<GeminiResponse>(message.data);
    const id = frame.responseId ?? 'gemini-stream';
    const model = frame.modelVersion ?? target.model;
    const text = visibleText(frame);
    const finish = geminiFinish(frame.candidates?.[0]?.finishReason);
    usage = frame.usageMetadata ?? usage;
    if (text || finish) yield { type: 'chunk', chunk: chunk(id, model, created, text ? { content: text } : {}, finish) };
    if (finish) finished = true;
  }
  // Gemini has no terminal frame: a stream is complete when it ended after a finish reason.
  if (!finished) throw streamEndedEarly();
  yield { type: 'usage', usage: geminiUsage(usage) };
}
