/** The provider-neutral answer the simulator renders in each wire format. */
export interface SimAnswer {
  /** Text pieces as streamed, one per token; joined they are the whole text. */
  pieces: string[];
  finishReason: 'stop' | 'length';
  /** All prompt tokens, cached ones included. */
  promptTokens: number;
  cachedTokens: number;
  /** Visible output tokens (reasoning excluded). */
  outputTokens: number;
  reasoningTokens: number;
}

const WORDS = (
  'the route keeps every request alive while providers fail and recover so teams see what each ' +
  'feature spends and where latency hides behind retries budgets weights and careful fallbacks ' +
  'across regions models and keys with cost measured to the smallest fraction of a cent'
).split(' ');

/** Rough prompt size: about four characters a token plus framing per message, like real tokenizers. */
export function countPromptTokens(texts: string[]): number {
  return texts.reduce((sum, t) => sum + Math.ceil(t.length / 4) + 4, 0) + 3;
}

/** Long prompts report a cached prefix, as providers do for prompts over 1,024 tokens. */
export function cachedPrefix(promptTokens: number): number {
  return promptTokens >= 1024 ? Math.floor(promptTokens / 2 / 64) * 64 : 0;
}

export function generateAnswer(options: { promptTokens: number; maxTokens: number | undefined; reasoning: boolean; random: () => number }): SimAnswer {
  const natural = 20 + Math.floor(options.random() * 41);
  const limit = options.maxTokens ?? 4096;
  const count = Math.min(natural, limit);
  const pieces = Array.from({ length: count }, (_, i) => {
    const word = WORDS[Math.floor(options.random() * WORDS.length)]!;
    return i === 0 ? word[0]!.toUpperCase() + word.slice(1) : ` ${word}`;
  });
  if (count === natural && count > 0) pieces[count - 1] += '.';
  return {
    pieces,
    finishReason: natural > limit ? 'length' : 'stop',
    promptTokens: options.promptTokens,
    cachedTokens: cachedPrefix(options.promptTokens),
    outputTokens: count,
    reasoningTokens: options.reasoning ? 2 * count : 0,
  };
}

/** Plain text of message content that may be a string or a list of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text ?? '') : '')).join('');
  return '';
}
