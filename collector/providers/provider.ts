/**
 * The seam between routing and a provider's wire format. The canonical request and response
 * are OpenAI Chat Completions shaped, because that is what the shim's clients speak.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  /** Plain text, or OpenAI content parts (only `text` parts are translated for now). */
  content: string | Array<{ type: string; text?: string }> | null;
  name?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  user?: string;
}

/** Token counts in disjoint buckets: `inputTokens` excludes cached ones, `outputTokens` excludes reasoning. */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null };
    finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;
  }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string };
    finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;
  }>;
}

/** Where one deployment lives; the key is resolved from its env var by the caller. */
export interface ProviderTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
}

export interface CompletionResult {
  completion: ChatCompletion;
  usage: Usage;
}

export type StreamEvent = { type: 'chunk'; chunk: ChatCompletionChunk } | { type: 'usage'; usage: Usage };

/**
 * The error taxonomy every adapter maps into. The first five are worth trying elsewhere; the rest
 * are about the request or our credentials and would fail the same way on any deployment.
 */
export const providerErrorKinds = ['rate_limited', 'overloaded', 'server', 'timeout', 'network', 'auth', 'invalid_request', 'context_length', 'content_filter'] as const;
export type ProviderErrorKind = (typeof providerErrorKinds)[number];
const retryableKinds: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'overloaded', 'server', 'timeout', 'network']);

/** A failed provider call, already classified; never carries the API key or the prompt. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
    /** From the provider's Retry-After, in milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /** 429, 5xx, timeouts and network failures are worth trying elsewhere; other 4xx are not. */
  get retryable(): boolean {
    return retryableKinds.has(this.kind);
  }
}

export interface ProviderAdapter {
  readonly kind: 'openai' | 'anthropic' | 'gemini';
  /** Rejects with ProviderError. */
  complete(request: ChatRequest, target: ProviderTarget, signal: AbortSignal): Promise<CompletionResult>;
  /**
   * Resolves once the upstream accepted the stream (HTTP status known), rejecting with
   * ProviderError otherwise; errors after that surface from the iterator as ProviderError.
   * Emits a final `usage` event when the provider reports usage.
   */
  stream(request: ChatRequest, target: ProviderTarget, signal: AbortSignal): Promise<AsyncIterable<StreamEvent>>;
}
