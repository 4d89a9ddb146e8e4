import type { IncomingHttpHeaders } from 'node:http';
import type { SimAnswer } from './answer.ts';

/** What the simulator needs from a request, whatever its wire format. */
export interface SimRequest {
  model: string;
  promptTexts: string[];
  maxTokens: number | undefined;
  stream: boolean;
  includeUsage: boolean;
  /** Choices asked for (OpenAI `n`); the same answer is given as each, and billed that many times. Default 1. */
  choices?: number;
  tools: Array<{ name: string; parameters: unknown }>;
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  /** Text of the last user turn, and whether the conversation ends with a tool result. */
  lastUserText: string;
  afterToolResult: boolean;
  json: boolean;
  images: number;
  /** The request marks a prompt-cache breakpoint (Anthropic `cache_control`). */
  cacheWrite: boolean;
  /** The breakpoints ask for a 1-hour TTL (Anthropic `ttl: "1h"`), billed above 5-minute writes. */
  cacheWrite1h?: boolean;
}

export interface SseFrame {
  text: string;
  /** Carries answer text; the stream-cut fault counts these. */
  content: boolean;
}

/** One provider's API surface, as the simulator serves it. */
export interface WireFormat {
  name: 'openai' | 'anthropic' | 'gemini';
  /** Whether this format serves the path (after the upstream prefix); the model from the path for Gemini. */
  route(method: string, path: string, query: URLSearchParams): { model?: string; stream?: boolean } | null;
  authorized(headers: IncomingHttpHeaders, query: URLSearchParams): boolean;
  parse(body: unknown, routed: { model?: string; stream?: boolean }): SimRequest | { error: string };
  body(answer: SimAnswer, request: SimRequest, id: string): unknown;
  frames(answer: SimAnswer, request: SimRequest, id: string): SseFrame[];
  error(status: number, message: string): unknown;
}

export const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
