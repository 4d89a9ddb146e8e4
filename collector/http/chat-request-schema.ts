import { z } from 'zod';
import type { ChatRequest } from '../providers/provider.ts';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]),
  name: z.string().optional(),
});

/** The OpenAI Chat Completions body; parameters the shim does not use yet are accepted and ignored. */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  user: z.string().optional(),
});

export type ParsedChatBody = { request: ChatRequest; includeUsage: boolean };

export type ChatBodyResult = { ok: true; value: ParsedChatBody } | { ok: false; message: string; param: string | null };

export function parseChatBody(body: unknown): ChatBodyResult {
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = issue.path.map(String).join('.') || null;
    return { ok: false, message: `Invalid request: ${param ?? 'body'}: ${issue.message}`, param };
  }
  const b = result.data;
  const request: ChatRequest = {
    model: b.model,
    messages: b.messages,
    stream: b.stream ?? false,
    ...(b.max_completion_tokens ?? b.max_tokens ? { max_tokens: (b.max_completion_tokens ?? b.max_tokens)! } : {}),
    ...(b.temperature != null ? { temperature: b.temperature } : {}),
    ...(b.top_p != null ? { top_p: b.top_p } : {}),
    ...(b.stop != null ? { stop: b.stop } : {}),
    ...(b.user ? { user: b.user } : {}),
  };
  return { ok: true, value: { request, includeUsage: b.stream_options?.include_usage === true } };
}
