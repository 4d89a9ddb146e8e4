import { z } from 'zod';
import type { ChatRequest } from '../providers/provider.ts';

const contentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: z.looseObject({ type: z.literal('ephemeral') }).optional() }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }) }),
]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});

const functionName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'function names are 1–64 letters, digits, underscores or dashes');

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: functionName,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: functionName }) })]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string().min(1), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }),
  }),
]);

/** The OpenAI Chat Completions body; parameters the shim does not translate are accepted and ignored. */
export const chatRequestSchema = z
  .looseObject({
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
    tools: z.array(tool).max(128).optional(),
    tool_choice: toolChoice.optional(),
    response_format: responseFormat.optional(),
  })
  .superRefine((body, ctx) => {
    body.messages.forEach((m, i) => {
      if (m.role === 'tool' && !m.tool_call_id) ctx.addIssue({ code: 'custom', path: ['messages', i, 'tool_call_id'], message: 'a tool message needs the id of the call it answers' });
      if (m.role !== 'assistant' && m.tool_calls) ctx.addIssue({ code: 'custom', path: ['messages', i, 'tool_calls'], message: 'only assistant messages carry tool calls' });
      if (m.content == null && !(m.role === 'assistant' && m.tool_calls?.length)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'content is required' });
      if (m.role !== 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')) {
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'images are only allowed in user messages' });
      }
    });
    const choice = body.tool_choice;
    if (typeof choice === 'object' && !body.tools?.some((t) => t.function.name === choice.function.name)) {
      ctx.addIssue({ code: 'custom', path: ['tool_choice', 'function', 'name'], message: `no tool named "${choice.function.name}" in tools` });
    }
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
    messages: b.messages.map((m) => ({
      role: m.role,
      content: m.content ?? null,
      ...(m.name ? { name: m.name } : {}),
      ...(m.tool_calls?.length ? { tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } })) } : {}),
      ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
    })),
    stream: b.stream ?? false,
    ...(b.max_completion_tokens ?? b.max_tokens ? { max_tokens: (b.max_completion_tokens ?? b.max_tokens)! } : {}),
    ...(b.temperature != null ? { temperature: b.temperature } : {}),
    ...(b.top_p != null ? { top_p: b.top_p } : {}),
    ...(b.stop != null ? { stop: b.stop } : {}),
    ...(b.user ? { user: b.user } : {}),
    ...(b.tools?.length
      ? { tools: b.tools.map((t) => ({ type: 'function' as const, function: { name: t.function.name, ...(t.function.description ? { description: t.function.description } : {}), ...(t.function.parameters ? { parameters: t.function.parameters } : {}), ...(t.function.strict != null ? { strict: t.function.strict } : {}) } })) }
      : {}),
    ...(b.tool_choice !== undefined ? { tool_choice: typeof b.tool_choice === 'string' ? b.tool_choice : { type: 'function' as const, function: { name: b.tool_choice.function.name } } } : {}),
    ...(b.response_format ? { response_format: b.response_format as ChatRequest['response_format'] } : {}),
  };
  return { ok: true, value: { request, includeUsage: b.stream_options?.include_usage === true } };
}
