import { contentText, type SimAnswer } from './answer.ts';
import { header, sse, type SimRequest, type SseFrame, type WireFormat } from './wire-format.ts';

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function usageMetadata(a: SimAnswer) {
  // Gemini: promptTokenCount includes cached tokens; candidatesTokenCount excludes thoughts.
  return {
    promptTokenCount: a.promptTokens,
    cachedContentTokenCount: a.cachedTokens,
    candidatesTokenCount: a.outputTokens,
    thoughtsTokenCount: a.reasoningTokens,
    totalTokenCount: a.promptTokens + a.outputTokens + a.reasoningTokens,
  };
}

const SAFETY = ['HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_DANGEROUS_CONTENT', 'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_SEXUALLY_EXPLICIT'].map(
  (category) => ({ category, probability: 'NEGLIGIBLE' }),
);

const candidate = (parts: unknown[], finishReason?: string) => ({
  content: { role: 'model', parts },
  index: 0,
  ...(finishReason ? { finishReason, safetyRatings: SAFETY } : {}),
});
const finish = (a: SimAnswer) => (a.finishReason === 'length' ? 'MAX_TOKENS' : 'STOP');
const callParts = (a: SimAnswer) => a.toolCalls.map((c) => ({ functionCall: { name: c.name, args: c.arguments } }));

type Part = { text?: string; functionResponse?: unknown; inlineData?: unknown; fileData?: unknown };

/** Gemini generateContent / streamGenerateContent (SSE). */
export const geminiFormat: WireFormat = {
  name: 'gemini',
  route(method, path) {
    const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (method !== 'POST' || !m) return null;
    return { model: decodeURIComponent(m[1]!), stream: m[2] === 'streamGenerateContent' };
  },
  authorized: (headers, query) => header(headers, 'x-goog-api-key').length > 0 || (query.get('key') ?? '').length > 0,
  parse(body, routed) {
    const b = body as {
      contents?: unknown;
      systemInstruction?: { parts?: Array<{ text?: string }> };
      generationConfig?: { maxOutputTokens?: unknown; responseMimeType?: string };
      tools?: Array<{ functionDeclarations?: Array<{ name?: string; parameters?: unknown }> }>;
      toolConfig?: { functionCallingConfig?: { mode?: string; allowedFunctionNames?: string[] } };
    };
    if (!Array.isArray(b?.contents) || b.contents.length === 0) return { error: '* GenerateContentRequest.contents: contents is not specified' };
    const contents = b.contents as Array<{ role?: string; parts?: Part[] }>;
    const texts = contents.map((c) => contentText(c?.parts));
    const system = contentText(b.systemInstruction?.parts);
    const max = b.generationConfig?.maxOutputTokens;
    const config = b.toolConfig?.functionCallingConfig;
    const parts = contents.flatMap((c) => c.parts ?? []);
    const last = contents[contents.length - 1];
    return {
      model: routed.model!,
      promptTexts: system ? [system, ...texts] : texts,
      maxTokens: typeof max === 'number' ? max : undefined,
      stream: routed.stream === true,
      includeUsage: true,
      tools: (b.tools ?? []).flatMap((t) => t.functionDeclarations ?? []).map((f) => ({ name: f.name ?? '', parameters: f.parameters })),
      toolChoice:
        config?.mode === 'NONE'
          ? 'none'
          : config?.mode === 'ANY'
            ? config.allowedFunctionNames?.length === 1
              ? { name: config.allowedFunctionNames[0]! }
              : 'required'
            : 'auto',
      lastUserText: contentText([...contents].reverse().find((c) => c.role === 'user' && !(c.parts ?? []).some((p) => p.functionResponse))?.parts),
      afterToolResult: (last?.parts ?? []).some((p) => p.functionResponse),
      json: b.generationConfig?.responseMimeType === 'application/json',
      images: parts.filter((p) => p.inlineData || p.fileData).length,
      cacheWrite: false,
    };
  },
  body: (a: SimAnswer, r: SimRequest, id: string) => ({
    candidates: [candidate([...(a.pieces.length ? [{ text: a.pieces.join('') }] : []), ...callParts(a)], finish(a))],
    usageMetadata: usageMetadata(a),
    modelVersion: r.model,
    responseId: id,
  }),
  frames(a: SimAnswer, r: SimRequest, id: string): SseFrame[] {
    const frames: SseFrame[] = a.pieces.map((piece) => ({
      text: sse({ candidates: [candidate([{ text: piece }])], modelVersion: r.model, responseId: id }),
      content: true,
    }));
    if (a.toolCalls.length) frames.push({ text: sse({ candidates: [candidate(callParts(a))], modelVersion: r.model, responseId: id }), content: true });
    frames.push({
      text: sse({ candidates: [candidate([{ text: '' }], finish(a))], usageMetadata: usageMetadata(a), modelVersion: r.model, responseId: id }),
      content: false,
    });
    return frames;
  },
  error: (status, message) => ({ error: { code: status, message, status: statusNames[status] ?? 'UNKNOWN' } }),
};
