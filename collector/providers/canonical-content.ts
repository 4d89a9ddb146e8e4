import { ProviderError, type ContentPart, type ChatMessage, type OpenAIUsageBody, type ResponseFormat, type Usage } from './provider.ts';

/** Text of canonical message content; image parts contribute nothing. */
export function messageText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** Content as a list of parts, whatever shape the client sent. */
export function contentParts(content: ChatMessage['content']): ContentPart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content ?? [];
}

export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

/** A `data:<type>;base64,<bytes>` URL becomes inline bytes; anything else stays a URL. */
export function imageSource(url: string): ImageSource {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { kind: 'base64', mediaType: m[1]!, data: m[2]! } : { kind: 'url', url };
}

/** Tool-call arguments are JSON text in the canonical model and an object in Anthropic's and Gemini's. */
export function toolArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ProviderError('invalid_request', 'a tool call in the conversation has arguments that are not a JSON object');
}

/**
 * For providers without a native JSON mode: the instruction that asks for it. Both
 * `json_object` and `json_schema` need the model to answer with JSON only.
 */
export function jsonInstruction(format: ResponseFormat | undefined): string | null {
  if (!format || format.type === 'text') return null;
  if (format.type === 'json_object') return 'Respond with a single JSON object and nothing else.';
  const schema = format.json_schema.schema ? ` that matches this JSON schema: ${JSON.stringify(format.json_schema.schema)}` : '';
  return `Respond with a single JSON object${schema}. Output only the JSON.`;
}

export function stopList(stop: string | string[] | undefined): string[] | undefined {
  return stop === undefined ? undefined : Array.isArray(stop) ? stop : [stop];
}

/** Provider metadata flattened to strings for the attempt event; empty values are left out. */
export function providerFields(entries: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Canonical usage in OpenAI's semantics: cache reads and writes inside prompt_tokens, reasoning inside completion_tokens. */
export function openaiUsageBody(u: Usage): OpenAIUsageBody {
  const prompt = u.inputTokens + u.cachedInputTokens + u.cacheWriteTokens;
  const completion = u.outputTokens + u.reasoningTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}
