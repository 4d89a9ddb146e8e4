import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest } from '../providers/provider.ts';

/** Per-message framing tokens in chat formats (role markers and separators). */
const MESSAGE_OVERHEAD = 4;
const REPLY_PRIMER = 3;
/** A high-detail image at the common 1024×1024 size; low detail is a flat 85. */
const IMAGE_TOKENS = { low: 85, high: 765 } as const;

/**
 * The prompt's size in tokens, counted with a real BPE tokenizer (OpenAI's o200k). Other
 * providers tokenize differently, so for them this is a close estimate rather than their count.
 * Tool definitions and earlier tool calls are part of the prompt and are counted too.
 */
export function countPromptTokens(request: ChatRequest): number {
  let total = REPLY_PRIMER;
  for (const m of request.messages) {
    total += MESSAGE_OVERHEAD;
    if (typeof m.content === 'string') total += countTokens(m.content);
    else {
      for (const part of m.content ?? []) {
        total += part.type === 'text' ? countTokens(part.text) : part.image_url.detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
      }
    }
    for (const call of m.tool_calls ?? []) total += countTokens(call.function.name) + countTokens(call.function.arguments);
  }
  if (request.tools?.length) total += countTokens(JSON.stringify(request.tools));
  return total;
}
