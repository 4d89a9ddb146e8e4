import type { Dispatcher } from 'undici';
import type { Embedder } from './embeddings.ts';
import type { CancelSignal } from '../../core/cancel.ts';

/** The seam between routing and a provider's wire format. */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/**
 * Text, or an image by URL (`https:` or a `data:` URL with base64 bytes). A text part may mark
 * a prompt-cache breakpoint (`cache_control`), which Anthropic needs to cache a prefix.
 */
export type ContentPart =
  { type: 'text'; text: string; cache_control?: CacheControl } | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

/** A prompt-cache breakpoint: the prefix up to here is cached for `ttl` (Anthropic: 5m default, 1h billed higher). */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A function call the model asked for; `arguments` is the JSON text the model wrote. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * A block of the model's reasoning as Anthropic returns it: the thinking text with the signature
 * that lets it be sent back in a later turn, or an encrypted (redacted) block.
 */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

export interface ChatMessage {
  role: ChatRole;
  content: string | ContentPart[] | null;
  /** Assistant turns: the thinking that came before the answer, sent back to Anthropic as it came (signatures intact). */
  thinking_blocks?: ThinkingBlock[];
  name?: string;
  /** Assistant turns that called tools. */
  tool_calls?: ToolCall[];
  /** Tool turns: which call this is the result of. */
  tool_call_id?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  /** A cache breakpoint after this tool definition (Anthropic caches tools as part of the prefix). */
  cache_control?: CacheControl;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean } };

/**
 * The canonical request, OpenAI Chat Completions shaped because that is what most clients
 * speak; every adapter translates it to and from its provider's wire format.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  user?: string;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
  /** Number of choices; only OpenAI-format deployments can give more than one. */
  n?: number;
  /** Token log probabilities (OpenAI format only), and how many alternatives per token. */
  logprobs?: boolean;
  top_logprobs?: number;
  /** Reasoning effort for reasoning models (OpenAI `reasoning_effort`; a thinking budget on Anthropic and Gemini, see reasoning.ts). */
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** Extended thinking asked as a token budget (Anthropic `thinking.budget_tokens`); an effort on OpenAI, see reasoning.ts. */
  thinking_budget?: number;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  /**
   * OpenAI prompt-cache hints: a key that keeps requests sharing a prefix on the same cache, and
   * how long to retain it. Sent to OpenAI; other providers cache by breakpoints or on their own,
   * and the hints change no answer, so they stay home there.
   */
  prompt_cache_key?: string;
  prompt_cache_retention?: 'in_memory' | '24h';
  /** false: at most one tool call per answer. */
  parallel_tool_calls?: boolean;
  /** What is asked: a chat answer (default) or embeddings of the user messages' texts. */
  operation?: 'chat' | 'embeddings';
  /** Embeddings: output dimensions, and how the face encodes the vectors. */
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
}

/**
 * Token counts in disjoint buckets, so no token is priced twice or missed: `inputTokens` is
 * uncached input only, `cachedInputTokens` cache reads, `cacheWriteTokens` input written to
 * the provider cache, `outputTokens` visible output, `reasoningTokens` hidden reasoning.
 */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Of `cacheWriteTokens`, those written with a 1-hour TTL (billed at their own rate); absent: none. */
  cacheWrite1hTokens?: number;
  outputTokens: number;
  reasoningTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: ToolCall[];
      /** OpenAI: the model declined (a safety refusal), in its words; `content` is then null. */
      refusal?: string;
      /** The model's reasoning as text, where the provider returns it (the convention of DeepSeek and LiteLLM on the OpenAI format). */
      reasoning_content?: string;
      /** The same reasoning as Anthropic's blocks, with their signatures. */
      thinking_blocks?: ThinkingBlock[];
    };
    finish_reason: FinishReason;
    logprobs?: unknown;
  }>;
  /** Absent when the provider reported none: the shim never makes usage up for the client. */
  usage?: OpenAIUsageBody;
  system_fingerprint?: string;
}

/** Usage in OpenAI's semantics: cached tokens inside prompt_tokens, reasoning inside completion_tokens. */
export interface OpenAIUsageBody {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** A streamed piece of a tool call: the first piece of a call has id and name, later ones more arguments. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    /**
     * `reasoning_content` streams thinking text; a `thinking_blocks` piece closes the thinking
     * block streamed so far with its signature (`thinking` empty), or is a whole redacted block
     * (LiteLLM's streaming convention on the OpenAI format).
     */
    delta: {
      role?: 'assistant';
      content?: string;
      /** OpenAI streams a refusal in pieces, like content. */
      refusal?: string;
      tool_calls?: ToolCallDelta[];
      reasoning_content?: string;
      thinking_blocks?: ThinkingBlock[];
    };
    finish_reason: FinishReason;
    logprobs?: unknown;
  }>;
}

/** Where one deployment lives; the key is resolved from its env var by the caller. */
export interface ProviderTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** An OpenAI-compatible host rather than OpenAI itself: keeps the older parameter names (`max_tokens`). */
  compatible?: boolean;
  /** Connection pool for the call (the collector's, see createUpstreamPool); undici's global one when absent. */
  http?: Dispatcher;
}

/**
 * What a provider said beyond the canonical answer (`stop_reason`, `system_fingerprint`, safety
 * ratings…), flattened to strings; kept on the attempt event.
 */
export type ProviderFields = Record<string, string>;

export interface CompletionResult {
  completion: ChatCompletion;
  usage: Usage;
  /** The provider reported no usage (`usage` is then zero): the caller counts it and marks it estimated. */
  usageMissing?: boolean;
  providerFields: ProviderFields;
}

export type StreamEvent = { type: 'chunk'; chunk: ChatCompletionChunk } | { type: 'usage'; usage: Usage } | { type: 'provider_fields'; fields: ProviderFields };

/**
 * The error taxonomy every adapter maps into. The first five are worth retrying (the provider is
 * struggling); `invalid_response` (an answer that does not parse), `context_length` and
 * `unsupported_parameter` are about this deployment, so a different deployment of the route may
 * cure them; the rest are about the request or our credentials and would fail the same way
 * anywhere.
 */
export const providerErrorKinds = [
  'rate_limited',
  'overloaded',
  'server',
  'timeout',
  'network',
  'invalid_response',
  'auth',
  'invalid_request',
  'context_length',
  'unsupported_parameter',
  'content_filter',
] as const;
export type ProviderErrorKind = (typeof providerErrorKinds)[number];
const retryableKinds: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'overloaded', 'server', 'timeout', 'network']);
const deploymentSpecificKinds: ReadonlySet<ProviderErrorKind> = new Set(['invalid_response', 'context_length', 'unsupported_parameter']);

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

  /** This deployment cannot serve the request (its model's limits, or answers we cannot parse): another deployment of the route may. */
  get deploymentSpecific(): boolean {
    return deploymentSpecificKinds.has(this.kind);
  }
}

export interface ProviderAdapter {
  readonly kind: 'openai' | 'anthropic' | 'gemini';
  /** Text embeddings, for providers that have them (Anthropic has none). Rejects with ProviderError. */
  readonly embed?: Embedder;
  /** Rejects with ProviderError. */
  complete(request: ChatRequest, target: ProviderTarget, signal: CancelSignal): Promise<CompletionResult>;
  /**
   * Resolves once the upstream accepted the stream (HTTP status known), rejecting with
   * ProviderError otherwise; errors after that surface from the iterator as ProviderError.
   * Emits a final `usage` event when the provider reports usage, and `provider_fields` when it has any.
   */
  stream(request: ChatRequest, target: ProviderTarget, signal: CancelSignal): Promise<AsyncIterable<StreamEvent>>;
}
