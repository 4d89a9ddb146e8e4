import type { OpenAIResponse } from './openai-wire.ts';

// The shortcut past zod for the common OpenAI chat completion. Validating it with
// `openaiResponseSchema` took ~18 µs of the collector's event loop per request at 1,000 req/s
// (bench/profiles/collector-hot-path.md). An answer whose fields the adapter reads are all present
// with the types and ranges the schema accepts is one the schema returns unchanged (no default
// applies; unknown fields pass as they are), so it is used as it is. Anything else — a missing
// id, tool calls, a negative count — goes through the schema, which alone writes the
// `invalid_response` messages. plain-openai-answer.accuracy checks the two agree.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.prototype.hasOwnProperty.call(v, '__proto__');
}

const nullish = (v: unknown) => v === undefined || v === null;
const text = (v: unknown) => nullish(v) || typeof v === 'string';
const count = (v: unknown) => nullish(v) || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

function isPlainUsage(u: unknown): boolean {
  if (nullish(u)) return true;
  if (!isRecord(u) || !count(u.prompt_tokens) || !count(u.completion_tokens)) return false;
  const p = u.prompt_tokens_details;
  const c = u.completion_tokens_details;
  return (nullish(p) || (isRecord(p) && count(p.cached_tokens))) && (nullish(c) || (isRecord(c) && count(c.reasoning_tokens)));
}

function isPlainChoice(c: unknown): boolean {
  if (!isRecord(c) || !Number.isSafeInteger(c.index) || (c.index as number) < 0 || !text(c.finish_reason)) return false;
  const m = c.message;
  return isRecord(m) && text(m.content) && text(m.refusal) && m.tool_calls === undefined;
}

/** True when the schema would return `body` unchanged (see above); false says nothing: ask the schema. */
export function isPlainOpenAIAnswer(body: unknown): body is OpenAIResponse {
  return (
    isRecord(body) &&
    typeof body.id === 'string' &&
    typeof body.created === 'number' &&
    Number.isFinite(body.created) &&
    typeof body.model === 'string' &&
    text(body.system_fingerprint) &&
    text(body.service_tier) &&
    isPlainUsage(body.usage) &&
    Array.isArray(body.choices) &&
    body.choices.length > 0 &&
    body.choices.every(isPlainChoice)
  );
}
