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
  return { inputTokens: countPromptTokens(request), cachedInputTokens: 0, cacheWriteTokens: 0, ...countOutput(outputText, reasoningText) };
}

/** Output and reasoning tokens of streamed text (o200k): reasoning is a bucket of its own, as providers report it (billed at the output rate). */
function countOutput(outputText: string, reasoningText: string): Pick<Usage, 'outputTokens' | 'reasoningTokens'> {
  return { outputTokens: outputText ? countTokens(outputText) : 0, reasoningTokens: reasoningText ? countTokens(reasoningText) : 0 };
}

/**
 * Usage of a stream cut before its end (the client left, or the provider failed after commit).
 * What the provider reported so far is exact for the prompt, but its output count may be an
 * interim one: Anthropic's `message_start` carries `output_tokens: 1` until `message_delta`
 * gives the real count. So output and reasoning are the larger of the reported count and the
 * shim's own count of what was streamed; `estimated` says the shim's count was used. The prompt
 * is counted only when nothing was reported.
 */
export function cutStreamUsage(request: ChatRequest, reported: Usage | null, outputText: string, reasoningText: string): { usage: Usage; estimated: boolean } {
  if (reported === null) return { usage: estimateUsage(request, outputText, reasoningText), estimated: true };
  const counted = countOutput(outputText, reasoningText);
  const estimated = counted.outputTokens > reported.outputTokens || counted.reasoningTokens > reported.reasoningTokens;
  if (!estimated) return { usage: reported, estimated: false };
  return {
    usage: {
      ...reported,
      outputTokens: Math.max(reported.outputTokens, counted.outputTokens),
      reasoningTokens: Math.max(reported.reasoningTokens, counted.reasoningTokens),
    },
    estimated: true,
  };
}
