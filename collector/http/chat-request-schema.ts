import { z } from 'zod';
import type { ChatRequest, ThinkingBlock } from '../providers/provider.ts';
import { isPlainChatBody } from './plain-chat-body.ts';
import { openaiInvalidRequest } from './missing-field.ts';

/** An Anthropic cache breakpoint on the OpenAI format (LiteLLM's convention), with its TTL. */
const cacheControl = z.looseObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).optional();

const contentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }),
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }) }),
]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

/** Anthropic's reasoning blocks as LiteLLM carries them on OpenAI-format assistant turns, sent back signed. */
const thinkingBlock = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z
    .union([z.string(), z.array(contentPart), z.null()], {
      // zod's union says only "Invalid input"; name what is accepted when the type itself is wrong
      // (a bad part inside an array keeps zod's own message).
      error: (iss) =>
        Array.isArray(iss.input)
          ? undefined
          : `expected a string or an array of content parts, received ${iss.input === undefined ? 'undefined' : typeof iss.input}`,
    })
    .optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
  thinking_blocks: z.array(thinkingBlock).optional(),
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
  cache_control: cacheControl,
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: functionName }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/**
 * OpenAI parameters no route can honour through the canonical model: refused by name with a
 * 400 rather than dropped, so a client never gets an answer to a different question than it asked.
 */
const unsupportedParameters = ['logit_bias', 'audio', 'modalities', 'prediction', 'functions', 'function_call', 'web_search_options'] as const;

/**
 * The OpenAI Chat Completions body. Parameters with a canonical meaning are translated for each
 * provider (or the deployments that cannot honour them are skipped, see routing/capabilities.ts);
 * the ones in `unsupportedParameters` are refused; bookkeeping fields (`store`, `metadata`) are
 * accepted and ignored. `service_tier` changes what OpenAI serves and bills (flex, priority),
 * which a deployment's price cannot follow: only the default (`auto`, `default`) is taken.
 */
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
    n: z.number().int().min(1).max(128).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
    /** OpenAI's prompt-cache routing key and retention (platform.openai.com/docs/guides/prompt-caching): for OpenAI deployments. */
    prompt_cache_key: z.string().max(1024).nullish(),
    prompt_cache_retention: z.enum(['in_memory', '24h']).nullish(),
    service_tier: z
      .enum(['auto', 'default'], { message: 'only the default tier (auto, default) is served through Switchyard; send the request without it' })
      .nullish(),
  })
  .superRefine((body, ctx) => {
    for (const name of unsupportedParameters) {
      if (body[name] !== undefined && body[name] !== null)
        ctx.addIssue({ code: 'custom', path: [name], message: `\`${name}\` is not supported through Switchyard; send the request without it` });
    }
    if (body.top_logprobs != null && body.logprobs !== true)
      ctx.addIssue({ code: 'custom', path: ['top_logprobs'], message: 'top_logprobs needs logprobs: true' });
    body.messages.forEach((m, i) => {
      if (m.role === 'tool' && !m.tool_call_id)
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'tool_call_id'], message: 'a tool message needs the id of the call it answers' });
      if (m.role !== 'assistant' && m.tool_calls)
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'tool_calls'], message: 'only assistant messages carry tool calls' });
      if (m.content == null && !(m.role === 'assistant' && m.tool_calls?.length))
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'content is required' });
      if (m.role !== 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url')) {
        ctx.addIssue({ code: 'custom', path: ['messages', i, 'content'], message: 'images are only allowed in user messages' });
      }
    });
    const choice = body.tool_choice;
    if (typeof choice === 'object' && !body.tools?.some((t) => t.function.name === choice.function.name)) {
      ctx.addIssue({ code: 'custom', path: ['tool_choice', 'function', 'name'], message: `no tool named "${choice.function.name}" in tools` });
    }
  });

/** A chat body as the schema outputs it. */
export type ChatBody = z.output<typeof chatRequestSchema>;

export type ParsedChatBody = { request: ChatRequest; includeUsage: boolean };

export type ChatBodyResult = { ok: true; value: ParsedChatBody } | { ok: false; message: string; param: string | null };

/** The client's chat body as a canonical request, or the first problem with it, naming the field. */
export function parseChatBody(body: unknown): ChatBodyResult {
  // The common plain body needs no schema run to be known valid (plain-chat-body.ts).
  return isPlainChatBody(body) ? { ok: true, value: toParsed(body) } : parseChatBodyBySchema(body);
}

/** The same through the schema alone: what parseChatBody answers for every body (chat-request-fast-path.accuracy). */
export function parseChatBodyBySchema(body: unknown): ChatBodyResult {
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) return { ok: false, ...openaiInvalidRequest(result.error) };
  return { ok: true, value: toParsed(result.data) };
}

function toParsed(b: ChatBody): ParsedChatBody {
  const request: ChatRequest = {
    model: b.model,
    messages: b.messages.map((m) => ({
      role: m.role,
      content: m.content ?? null,
      ...(m.name ? { name: m.name } : {}),
      ...(m.tool_calls?.length
        ? {
            tool_calls: m.tool_calls.map((c) => ({
              id: c.id,
              type: 'function' as const,
              function: { name: c.function.name, arguments: c.function.arguments },
            })),
          }
        : {}),
      ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
      // Only assistant turns think; Anthropic needs their signed blocks back to continue a tool use.
      ...(m.role === 'assistant' && m.thinking_blocks?.length
        ? {
            thinking_blocks: m.thinking_blocks.map((b): ThinkingBlock =>
              b.type === 'thinking' ? { type: 'thinking', thinking: b.thinking, signature: b.signature } : { type: 'redacted_thinking', data: b.data },
            ),
          }
        : {}),
    })),
    stream: b.stream ?? false,
    ...((b.max_completion_tokens ?? b.max_tokens) ? { max_tokens: (b.max_completion_tokens ?? b.max_tokens)! } : {}),
    ...(b.temperature != null ? { temperature: b.temperature } : {}),
    ...(b.top_p != null ? { top_p: b.top_p } : {}),
    ...(b.stop != null ? { stop: b.stop } : {}),
    ...(b.user ? { user: b.user } : {}),
    ...(b.tools?.length
      ? {
          tools: b.tools.map((t) => ({
            type: 'function' as const,
            function: {
              name: t.function.name,
              ...(t.function.description ? { description: t.function.description } : {}),
              ...(t.function.parameters ? { parameters: t.function.parameters } : {}),
              ...(t.function.strict != null ? { strict: t.function.strict } : {}),
            },
            ...(t.cache_control ? { cache_control: { type: 'ephemeral' as const, ...(t.cache_control.ttl ? { ttl: t.cache_control.ttl } : {}) } } : {}),
          })),
        }
      : {}),
    ...(b.tool_choice !== undefined
      ? { tool_choice: typeof b.tool_choice === 'string' ? b.tool_choice : { type: 'function' as const, function: { name: b.tool_choice.function.name } } }
      : {}),
    ...(b.response_format ? { response_format: b.response_format as ChatRequest['response_format'] } : {}),
    ...(b.n != null && b.n !== 1 ? { n: b.n } : {}),
    ...(b.logprobs ? { logprobs: true } : {}),
    ...(b.top_logprobs != null ? { top_logprobs: b.top_logprobs } : {}),
    ...(b.seed != null ? { seed: b.seed } : {}),
    ...(b.presence_penalty != null ? { presence_penalty: b.presence_penalty } : {}),
    ...(b.frequency_penalty != null ? { frequency_penalty: b.frequency_penalty } : {}),
    ...(b.parallel_tool_calls != null ? { parallel_tool_calls: b.parallel_tool_calls } : {}),
    ...(b.reasoning_effort != null ? { reasoning_effort: b.reasoning_effort } : {}),
    ...(b.prompt_cache_key != null ? { prompt_cache_key: b.prompt_cache_key } : {}),
    ...(b.prompt_cache_retention != null ? { prompt_cache_retention: b.prompt_cache_retention } : {}),
  };
  return { request, includeUsage: b.stream_options?.include_usage === true };
}
