import { z } from 'zod';
import type { CacheControl, ChatMessage, ChatRequest, ContentPart, ThinkingBlock, ToolChoice } from '../providers/provider.ts';
import { isMissingField } from './missing-field.ts';

// The Anthropic Messages API as an entry point: requests are translated to the canonical
// (OpenAI-shaped) request and answers back (anthropic-render.ts), so one dispatcher serves both
// official SDKs. Parameters with no canonical meaning are refused by name, never dropped.

const cacheControl = z.looseObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() }).optional();
const block = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }),
  z.looseObject({
    type: z.literal('image'),
    source: z.union([
      z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
      z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
    ]),
    cache_control: cacheControl,
  }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown(), cache_control: cacheControl }),
  z.looseObject({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]).optional(),
    is_error: z.boolean().optional(),
    cache_control: cacheControl,
  }),
  // Earlier assistant turns' reasoning, sent back as it came (Anthropic verifies the signature).
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
type Block = z.infer<typeof block>;
const content = z.union([z.string(), z.array(block)]);

/** What count_tokens takes: a Messages request without the generation settings. */
export const countTokensSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }))]).optional(),
  tools: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()),
        cache_control: cacheControl,
      }),
    )
    .optional(),
  tool_choice: z
    .union([
      z.looseObject({ type: z.enum(['auto', 'any', 'none']), disable_parallel_tool_use: z.boolean().optional() }),
      z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
    ])
    .optional(),
});

const messagesRequestSchema = countTokensSchema.extend({
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  service_tier: z.enum(['auto'], { message: 'only the default tier (auto) is served through Switchyard; send the request without it' }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({ user_id: z.string().optional() }).optional(),
  /** Extended thinking: `enabled` with a token budget, or `disabled`. */
  thinking: z
    .union([z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1024) }), z.looseObject({ type: z.literal('disabled') })])
    .optional(),
});
type MessagesBody = z.infer<typeof messagesRequestSchema>;

/** Top-level fields of a Messages request: translated, or refused by name below. */
const messagesParameters: ReadonlySet<string> = new Set([
  ...Object.keys(messagesRequestSchema.shape),
  'top_k',
  'mcp_servers',
  'container',
  'context_management',
]);

const breakpoint = (c: z.infer<typeof cacheControl>): { cache_control?: CacheControl } =>
  c ? { cache_control: { type: 'ephemeral', ...(c.ttl ? { ttl: c.ttl } : {}) } } : {};

const textParts = (blocks: Block[]): ContentPart[] =>
  blocks.flatMap((b): ContentPart[] => {
    if (b.type === 'text') return [{ type: 'text', text: b.text, ...breakpoint(b.cache_control) }];
    if (b.type === 'image')
      return [{ type: 'image_url', image_url: { url: b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url } }];
    return [];
  });

const resultText = (b: Extract<Block, { type: 'tool_result' }>) =>
  typeof b.content === 'string' ? b.content : (b.content ?? []).map((p) => p.text ?? '').join('');

/** One Anthropic turn → canonical messages: tool results become tool messages, tool_use blocks tool calls. */
function canonicalMessages(role: 'user' | 'assistant', c: z.infer<typeof content>): ChatMessage[] {
  if (typeof c === 'string') return [{ role, content: c }];
  if (role === 'assistant') {
    const parts = textParts(c);
    // Text stays a list of parts when one carries a cache breakpoint, so the breakpoint survives.
    const text = parts.some((p) => p.type === 'text' && p.cache_control) ? parts : parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
    const calls = c.flatMap((b) =>
      b.type === 'tool_use' ? [{ id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }] : [],
    );
    const thinking = c.flatMap((b): ThinkingBlock[] =>
      b.type === 'thinking'
        ? [{ type: 'thinking', thinking: b.thinking, signature: b.signature }]
        : b.type === 'redacted_thinking'
          ? [{ type: 'redacted_thinking', data: b.data }]
          : [],
    );
    return [
      {
        role,
        content: text.length ? text : calls.length ? null : '',
        ...(calls.length ? { tool_calls: calls } : {}),
        ...(thinking.length ? { thinking_blocks: thinking } : {}),
      },
    ];
  }
  const results: ChatMessage[] = c.flatMap((b) =>
    b.type === 'tool_result'
      ? [
          {
            role: 'tool' as const,
            tool_call_id: b.tool_use_id,
            content: b.cache_control ? [{ type: 'text' as const, text: resultText(b), ...breakpoint(b.cache_control) }] : resultText(b),
          },
        ]
      : [],
  );
  const parts = textParts(c);
  return [...results, ...(parts.length ? [{ role, content: parts }] : [])];
}

function toolChoice(choice: MessagesBody['tool_choice']): ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: (choice as { name: string }).name } };
  return choice.type === 'any' ? 'required' : choice.type;
}

export type MessagesParse = { ok: true; request: ChatRequest } | { ok: false; message: string };

/**
 * Parameters with no canonical meaning, refused by name rather than dropped. (Extended thinking
 * has one: a budget that each provider is sent in its own terms, see providers/reasoning.ts, and
 * routes without a deployment that reasons refuse it there, naming the deployments.)
 */
function refusedParameter(b: MessagesBody): string | null {
  // Anthropic itself refuses fields it does not know; so do we, instead of dropping them.
  const unknown = Object.keys(b).find((k) => !messagesParameters.has(k));
  if (unknown) return `${unknown}: not a Messages API parameter Switchyard can honour; send the request without \`${unknown}\``;
  if (b.top_k !== undefined) return 'top_k: not supported through Switchyard (OpenAI and Gemini routes cannot honour it); send the request without `top_k`';
  for (const name of ['mcp_servers', 'container', 'context_management'] as const) {
    if (b[name] !== undefined) return `${name}: not supported through Switchyard; send the request without \`${name}\``;
  }
  return null;
}

/** The canonical prompt of a Messages (or count_tokens) body. */
export function canonicalPrompt(b: z.infer<typeof countTokensSchema>): Pick<ChatRequest, 'messages' | 'tools' | 'tool_choice' | 'parallel_tool_calls'> {
  const system: ChatMessage[] = b.system === undefined ? [] : [{ role: 'system', content: typeof b.system === 'string' ? b.system : textParts(b.system) }];
  const choice = toolChoice(b.tool_choice);
  return {
    messages: [...system, ...b.messages.flatMap((m) => canonicalMessages(m.role, m.content))],
    ...(b.tools?.length
      ? {
          tools: b.tools.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema },
            ...breakpoint(t.cache_control),
          })),
        }
      : {}),
    ...(choice ? { tool_choice: choice } : {}),
    ...(b.tool_choice?.disable_parallel_tool_use ? { parallel_tool_calls: false } : {}),
  };
}

/**
 * Zod's first issue as `path: message`; a field that is missing altogether reads as Anthropic's
 * API words it (`max_tokens: Field required`) rather than zod's "expected number, received
 * undefined".
 */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.map(String).join('.') || 'body'}: ${isMissingField(issue) ? 'Field required' : issue.message}`;
}

export function parseMessagesBody(body: unknown): MessagesParse {
  const r = messagesRequestSchema.safeParse(body);
  if (!r.success) return { ok: false, message: firstIssue(r.error) };
  const b = r.data;
  const refused = refusedParameter(b);
  if (refused) return { ok: false, message: refused };
  return {
    ok: true,
    request: {
      model: b.model,
      ...canonicalPrompt(b),
      stream: b.stream ?? false,
      max_tokens: b.max_tokens,
      ...(b.temperature !== undefined ? { temperature: b.temperature } : {}),
      ...(b.top_p !== undefined ? { top_p: b.top_p } : {}),
      ...(b.stop_sequences ? { stop: b.stop_sequences } : {}),
      ...(b.metadata?.user_id ? { user: b.metadata.user_id } : {}),
      ...(b.thinking?.type === 'enabled' ? { thinking_budget: b.thinking.budget_tokens } : {}),
    },
  };
}
