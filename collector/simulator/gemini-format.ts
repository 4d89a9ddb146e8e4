import { contentText, type SimAnswer } from './answer.ts';
import { header, sse, type SimRequest, type SseFrame, type WireFormat } from './wire-format.ts';

const statusNames: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

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

const candidate = (text: string, finishReason?: string) => ({ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) });
const finish = (a: SimAnswer) => (a.finishReason === 'length' ? 'MAX_TOKENS' : 'STOP');

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
    const b = body as { contents?: unknown; systemInstruction?: { parts?: Array<{ text?: string }> }; generationConfig?: { maxOutputTokens?: unknown } };
    if (!Array.isArray(b?.contents) || b.contents.length === 0) return { error: '* GenerateContentRequest.contents: contents is not specified' };
    const texts = (b.contents as Array<{ parts?: unknown }>).map((c) => contentText(c?.parts));
    const system = contentText(b.systemInstruction?.parts);
    const max = b.generationConfig?.maxOutputTokens;
    return { model: routed.model!, promptTexts: system ? [system, ...texts] : texts, maxTokens: typeof max === 'number' ? max : undefined, stream: routed.stream === true, includeUsage: true };
  },
  body: (a: SimAnswer, r: SimRequest, id: string) => ({ candidates: [candidate(a.pieces.join(''), finish(a))], usageMetadata: usageMetadata(a), modelVersion: r.model, responseId: id }),
  frames(a: SimAnswer, r: SimRequest, id: string): SseFrame[] {
    const frames: SseFrame[] = a.pieces.map((piece) => ({ text: sse({ candidates: [candidate(piece)], modelVersion: r.model, responseId: id }), content: true }));
    frames.push({ text: sse({ candidates: [candidate('', finish(a))], usageMetadata: usageMetadata(a), modelVersion: r.model, responseId: id }), content: false });
    return frames;
  },
  error: (status, message) => ({ error: { code: status, message, status: statusNames[status] ?? 'UNKNOWN' } }),
};
