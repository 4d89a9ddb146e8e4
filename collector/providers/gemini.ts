import { contentParts, imageSource, messageText, openaiUsageBody, providerFields, stopList, toolArguments } from './canonical-content.ts';
import { geminiResponseSchema, type GeminiResponse, type GeminiUsage } from './gemini-wire.ts';
import { chunk, errorFromBody, guardStream, parseJsonFrame, parseProviderJson, postJson, streamEndedEarly, type UpstreamResponse } from './provider-http.ts';
import {
  ProviderError,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type ProviderAdapter,
  type ProviderTarget,
  type StreamEvent,
  type ToolCall,
  type ToolChoice,
  type Usage,
} from './provider.ts';
import { geminiEmbed } from './embeddings.ts';
import { thinkingBudget } from './reasoning.ts';
import { parseSse } from './sse.ts';
import type { CancelSignal } from '../../core/cancel.ts';

/** Gemini counts cached tokens inside promptTokenCount and thoughts outside candidatesTokenCount. */
export function geminiUsage(u: GeminiUsage | undefined | null): Usage {
  const cached = u?.cachedContentTokenCount ?? 0;
  return {
    inputTokens: Math.max(0, (u?.promptTokenCount ?? 0) - cached),
    cachedInputTokens: cached,
    // Gemini bills explicit cache creation as storage, not per request.
    cacheWriteTokens: 0,
    outputTokens: u?.candidatesTokenCount ?? 0,
    reasoningTokens: u?.thoughtsTokenCount ?? 0,
  };
}

/**
 * Gemini finish reasons (ai.google.dev/api/generate-content#FinishReason) → canonical; a prompt
 * blocked before any candidate (`promptFeedback.blockReason`) is a content-filter finish too.
 */
export function geminiFinish(reason: string | null | undefined): FinishReason {
  if (!reason) return null;
  // The model wrote a function call that does not parse: no usable answer, another deployment may do better.
  if (reason === 'MALFORMED_FUNCTION_CALL')
    throw new ProviderError('invalid_response', 'Gemini finished with MALFORMED_FUNCTION_CALL (the call it generated is invalid)');
  if (reason === 'MAX_TOKENS') return 'length';
  if (['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'].includes(reason)) return 'content_filter';
  return 'stop';
}

const extensionTypes: Record<string, string> = { png: 'image/png', gif: 'image/gif', webp: 'image/webp', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

function userParts(message: ChatMessage): Array<Record<string, unknown>> {
  return contentParts(message.content).map((part) => {
    if (part.type === 'text') return { text: part.text };
    const source = imageSource(part.image_url.url);
    if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
    const ext = /\.([a-z]+)(?:\?|$)/i.exec(source.url)?.[1]?.toLowerCase() ?? '';
    return { fileData: { mimeType: extensionTypes[ext] ?? 'image/jpeg', fileUri: source.url } };
  });
}

/** Canonical turns → Gemini contents; a tool result needs its function's name, found from the call it answers. */
function geminiContents(messages: ChatMessage[]): Array<{ role: 'user' | 'model'; parts: Array<Record<string, unknown>> }> {
  const callNames = new Map<string, string>();
  const out: Array<{ role: 'user' | 'model'; parts: Array<Record<string, unknown>> }> = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') continue;
    let role: 'user' | 'model' = 'user';
    let parts: Array<Record<string, unknown>>;
    if (m.role === 'assistant') {
      role = 'model';
      const text = messageText(m.content);
      for (const c of m.tool_calls ?? []) callNames.set(c.id, c.function.name);
      parts = [
        ...(text ? [{ text }] : []),
        ...(m.tool_calls ?? []).map((c) => ({ functionCall: { name: c.function.name, args: toolArguments(c.function.arguments) } })),
      ];
    } else if (m.role === 'tool') {
      parts = [{ functionResponse: { name: callNames.get(m.tool_call_id ?? '') ?? m.name ?? 'tool', response: { content: messageText(m.content) } } }];
    } else {
      parts = userParts(m);
    }
    const last = out[out.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  }
  return out;
}

function functionCallingConfig(choice: ToolChoice): Record<string, unknown> {
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
}

function requestBody(request: ChatRequest) {
  const system = request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => messageText(m.content));
  const stop = stopList(request.stop);
  const format = request.response_format;
  // reasoning_effort or a thinking budget, as tokens (reasoning.ts).
  const budget = thinkingBudget(request);
  return {
    contents: geminiContents(request.messages),
    ...(system.length ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] } } : {}),
    ...(request.tools?.length
      ? {
          tools: [
            {
              functionDeclarations: request.tools.map((t) => ({
                name: t.function.name,
                ...(t.function.description ? { description: t.function.description } : {}),
                ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
              })),
            },
          ],
        }
      : {}),
    ...(request.tools?.length && request.tool_choice !== undefined
      ? { toolConfig: { functionCallingConfig: functionCallingConfig(request.tool_choice) } }
      : {}),
    generationConfig: {
      ...(request.max_tokens !== undefined ? { maxOutputTokens: request.max_tokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
      ...(stop ? { stopSequences: stop } : {}),
      ...(format && format.type !== 'text' ? { responseMimeType: 'application/json' } : {}),
      ...(format?.type === 'json_schema' && format.json_schema.schema ? { responseJsonSchema: format.json_schema.schema } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.presence_penalty !== undefined ? { presencePenalty: request.presence_penalty } : {}),
      ...(request.frequency_penalty !== undefined ? { frequencyPenalty: request.frequency_penalty } : {}),
      ...(budget !== undefined ? { thinkingConfig: { thinkingBudget: budget } } : {}),
    },
  };
}

const parts = (r: GeminiResponse) => r.candidates?.[0]?.content?.parts ?? [];
const visibleText = (r: GeminiResponse) =>
  parts(r)
    .filter((p) => !p.thought)
    .map((p) => p.text ?? '')
    .join('');

/** Gemini's calls carry no id: the shim names them by response and position so results can refer back. */
function toolCalls(r: GeminiResponse, responseId: string, offset: number): ToolCall[] {
  return parts(r)
    .filter((p) => p.functionCall)
    .map((p, i) => ({
      id: `call_${responseId.replace(/[^a-zA-Z0-9_-]/g, '')}_${offset + i}`,
      type: 'function',
      function: { name: p.functionCall!.name, arguments: JSON.stringify(p.functionCall!.args ?? {}) },
    }));
}

/** The finish of a response: its candidate's, or content_filter when the prompt itself was blocked. */
const finishOf = (r: GeminiResponse): FinishReason => geminiFinish(r.candidates?.[0]?.finishReason ?? (r.promptFeedback?.blockReason ? 'SAFETY' : undefined));

function fieldsOf(r: GeminiResponse): Record<string, unknown> {
  const c = r.candidates?.[0];
  return {
    finish_reason: c?.finishReason,
    safety_ratings: c?.safetyRatings?.length ? c.safetyRatings : undefined,
    block_reason: r.promptFeedback?.blockReason,
    model_version: r.modelVersion,
  };
}

const url = (target: ProviderTarget, method: string) => `${target.baseUrl}/v1beta/models/${encodeURIComponent(target.model)}:${method}`;
const headers = (target: ProviderTarget) => ({ 'x-goog-api-key': target.apiKey });

/** Gemini generateContent / streamGenerateContent. */
export const geminiAdapter: ProviderAdapter = {
  kind: 'gemini',
  embed: geminiEmbed,
  async complete(request, target, signal) {
    const response = await postJson(url(target, 'generateContent'), headers(target), requestBody(request), target, signal);
    const body = parseProviderJson(geminiResponseSchema, await response.json(), 'generateContent response');
    const usage = geminiUsage(body.usageMetadata);
    const id = body.responseId ?? `gemini-${crypto.randomUUID()}`;
    const calls = toolCalls(body, id, 0);
    const finish = finishOf(body) ?? 'stop';
    return {
      completion: {
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.modelVersion ?? target.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: visibleText(body) || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) },
            finish_reason: calls.length && finish === 'stop' ? 'tool_calls' : finish,
          },
        ],
        ...(body.usageMetadata ? { usage: openaiUsageBody(usage) } : {}),
      },
      usage,
      ...(body.usageMetadata ? {} : { usageMissing: true }),
      providerFields: providerFields(fieldsOf(body)),
    };
  },
  async stream(request, target, signal) {
    const response = await postJson(`${url(target, 'streamGenerateContent')}?alt=sse`, headers(target), requestBody(request), target, signal);
    return readStream(response, target, signal);
  },
};

async function* readStream(response: UpstreamResponse, target: ProviderTarget, signal: CancelSignal): AsyncGenerator<StreamEvent> {
  const created = Math.floor(Date.now() / 1000);
  let finished = false;
  let usage: GeminiUsage | null | undefined;
  let fields: Record<string, unknown> = {};
  let callCount = 0;
  let first = true;
  for await (const message of guardStream(parseSse(response.body), signal, target)) {
    const frame = parseJsonFrame(message.data, geminiResponseSchema);
    // An error mid-stream is classified like the same error as an HTTP answer, so both modes agree.
    if (frame.error) throw errorFromBody(frame.error.code ?? 500, message.data, target);
    const id = frame.responseId ?? 'gemini-stream';
    const model = frame.modelVersion ?? target.model;
    const text = visibleText(frame);
    const calls = toolCalls(frame, id, callCount);
    // A blocked prompt streams one frame with promptFeedback and no candidates: a content-filter finish.
    let finish = finishOf(frame);
    if (finish === 'stop' && callCount + calls.length > 0) finish = 'tool_calls';
    usage = frame.usageMetadata ?? usage;
    for (const [k, v] of Object.entries(fieldsOf(frame))) if (v !== undefined) fields = { ...fields, [k]: v };
    const toolDeltas = calls.map((c, i) => ({ index: callCount + i, id: c.id, type: 'function' as const, function: c.function }));
    callCount += calls.length;
    if (text || finish || toolDeltas.length) {
      // OpenAI clients expect the role on the first delta.
      const role = first ? { role: 'assistant' as const } : {};
      first = false;
      yield {
        type: 'chunk',
        chunk: chunk(id, model, created, { ...role, ...(text ? { content: text } : {}), ...(toolDeltas.length ? { tool_calls: toolDeltas } : {}) }, finish),
      };
    }
    if (finish) finished = true;
  }
  // Gemini has no terminal frame: a stream is complete when it ended after a finish reason.
  if (!finished) throw streamEndedEarly();
  if (usage) yield { type: 'usage', usage: geminiUsage(usage) };
  yield { type: 'provider_fields', fields: providerFields(fields) };
}
