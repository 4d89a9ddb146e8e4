import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countPromptTokens } from '../budget/prompt-tokens.ts';
import type { ChatRequest, Usage } from '../providers/provider.ts';

/**
 * Usage for an answer the provider served without reporting any (a compatible host that ignores
 * `stream_options.include_usage`, a body without `usage`): the prompt and the output counted
 * with a real tokenizer (OpenAI's o200k; other models tokenize a little differently), the
 * reasoning text streamed as `reasoning_content` apart from the answer's. A served
 * answer is never free; the attempt event marks these counts as estimated.
 */
export function estimateUsage(request: ChatRequest, outputText: string, reasoningText = ''): Usage {
  return {
    inputTokens: countPromptTokens(request),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: outputText ? countTokens(outputText) : 0,
    // A bucket of its own, as providers report it (billed at the output rate).
    reasoningTokens: reasoningText ? countTokens(reasoningText) : 0,
  };
}
