/** The provider-neutral answer the simulator renders in each wire format. */
export interface SimAnswer {
  /** Text pieces as streamed, one per token; joined they are the whole text. */
  pieces: string[];
  /** Function calls instead of (or besides) text. */
  toolCalls: SimToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** All prompt tokens, cached and cache-written ones included. */
  promptTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the cache (only requests that mark a cache breakpoint). */
  cacheWriteTokens: number;
  /** Of the cache writes, those with a 1-hour TTL; absent: none. */
  cacheWrite1hTokens?: number;
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

export interface SimToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What the simulated model was asked for, beyond plain text. */
export interface SimAsk {
  promptTokens: number;
  maxTokens: number | undefined;
  reasoning: boolean;
  /** The tool to call, when the request offers tools and the turn calls for one. */
  callTool: { name: string; parameters: unknown } | null;
  json: boolean;
  cacheWrite: boolean;
  cacheWrite1h?: boolean;
  random: () => number;
}

export function generateAnswer(ask: SimAsk): SimAnswer {
  const natural = 20 + Math.floor(ask.random() * 41);
  const limit = ask.maxTokens ?? 4096;
  const count = Math.min(natural, limit);
  const words = Array.from({ length: count }, (_, i) => {
    const word = WORDS[Math.floor(ask.random() * WORDS.length)]!;
    return i === 0 ? word[0]!.toUpperCase() + word.slice(1) : ` ${word}`;
  });
  if (count === natural && count > 0) words[count - 1] += '.';
  const cachedTokens = cachedPrefix(ask.promptTokens);
  const writes = ask.cacheWrite ? Math.floor((ask.promptTokens - cachedTokens) / 2) : 0;
  const base = {
    promptTokens: ask.promptTokens,
    cachedTokens,
    cacheWriteTokens: writes,
    cacheWrite1hTokens: ask.cacheWrite1h ? writes : 0,
    reasoningTokens: ask.reasoning ? 2 * count : 0,
  };
  if (ask.callTool) {
    const args = sampleArguments(ask.callTool.parameters);
    const call = { id: `call_${Math.floor(ask.random() * 1e9).toString(36)}`, name: ask.callTool.name, arguments: args };
    return { ...base, pieces: [], toolCalls: [call], finishReason: 'tool_calls', outputTokens: Math.ceil(JSON.stringify(args).length / 4) + 5 };
  }
  // JSON mode: the same words, wrapped as a JSON document and streamed in pieces of it.
  const pieces = ask.json ? splitPieces(JSON.stringify({ answer: words.join('') }), count) : words;
  return { ...base, pieces, toolCalls: [], finishReason: natural > limit ? 'length' : 'stop', outputTokens: count };
}

function splitPieces(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Arguments that satisfy a JSON schema's declared properties, like a model filling in a call. */
export function sampleArguments(schema: unknown): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, { type?: string | string[]; enum?: unknown[] }> } | null)?.properties ?? {};
  const args: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(properties)) {
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    args[name] = prop.enum?.length
      ? prop.enum[0]
      : type === 'number' || type === 'integer'
        ? 1
        : type === 'boolean'
          ? true
          : type === 'array'
            ? []
            : type === 'object'
              ? {}
              : `sample ${name}`;
  }
  return args;
}

/**
 * Whether the turn calls a tool: never after a tool result or with choice `none`; always when
 * a tool is required or named; with `auto`, when the last user message names a tool.
 */
export function pickTool(
  tools: Array<{ name: string; parameters: unknown }>,
  choice: 'auto' | 'none' | 'required' | { name: string },
  lastUserText: string,
  afterToolResult: boolean,
): { name: string; parameters: unknown } | null {
  if (tools.length === 0 || choice === 'none' || afterToolResult) return null;
  if (typeof choice === 'object') return tools.find((t) => t.name === choice.name) ?? null;
  if (choice === 'required') return tools[0]!;
  return tools.find((t) => lastUserText.includes(t.name)) ?? null;
}

/** Images cost prompt tokens too: a flat 85 each, the low-detail rate. */
export const IMAGE_TOKENS = 85;

/** Plain text of message content that may be a string or a list of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text ?? '') : '')).join('');
  return '';
}
