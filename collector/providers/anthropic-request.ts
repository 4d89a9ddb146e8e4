import { contentParts, imageSource, jsonInstruction, messageText, stopList, toolArguments } from './canonical-content.ts';
import { ProviderError, type CacheControl, type ChatMessage, type ChatRequest, type ContentPart, type ProviderTarget, type ToolChoice } from './provider.ts';
import { effortBudgets, thinkingBudget } from './reasoning.ts';

/** Anthropic requires max_tokens; this is what a request without one gets. */
export const DEFAULT_MAX_TOKENS = 1024;

type Block = Record<string, unknown>;

/** A cache breakpoint as Anthropic takes it: the TTL only when it is not the 5-minute default. */
const breakpoint = (c: CacheControl | undefined) => (c ? { cache_control: { type: 'ephemeral', ...(c.ttl === '1h' ? { ttl: '1h' } : {}) } } : {});

/** Anthropic tool-use ids must match ^[a-zA-Z0-9_-]+$; ids minted elsewhere may not. */
export const anthropicToolId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '_') || 'toolu_0';

function partBlock(part: ContentPart): Block {
  if (part.type === 'text') return { type: 'text', text: part.text, ...breakpoint(part.cache_control) };
  const source = imageSource(part.image_url.url);
  return {
    type: 'image',
    source: source.kind === 'base64' ? { type: 'base64', media_type: source.mediaType, data: source.data } : { type: 'url', url: source.url },
  };
}

function assistantBlocks(message: ChatMessage): Block[] {
  const parts = contentParts(message.content).filter((p) => p.type !== 'text' || p.text !== '');
  const calls = (message.tool_calls ?? []).map((c): Block => ({
    type: 'tool_use',
    id: anthropicToolId(c.id),
    name: c.function.name,
    input: toolArguments(c.function.arguments),
  }));
  // Thinking first, signatures intact: Anthropic checks them when a tool-use turn is sent back.
  const thinking = (message.thinking_blocks ?? []).map((b): Block => ({ ...b }));
  return [...thinking, ...parts.map(partBlock), ...calls];
}

/** A tool turn as a `tool_result` block; a breakpoint on its text marks the block. */
function toolResult(m: ChatMessage): Block {
  const marked = contentParts(m.content).find((p) => p.type === 'text' && p.cache_control);
  return {
    type: 'tool_result',
    tool_use_id: anthropicToolId(m.tool_call_id ?? ''),
    content: messageText(m.content),
    ...(marked?.type === 'text' ? breakpoint(marked.cache_control) : {}),
  };
}

/**
 * Canonical turns → Anthropic turns: tool results travel as `tool_result` blocks in a user
 * turn, and consecutive turns of one role are merged because Anthropic wants them alternating.
 * Cache breakpoints stay on the block they mark.
 */
function anthropicMessages(messages: ChatMessage[]): Array<{ role: 'user' | 'assistant'; content: Block[] }> {
  const out: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = m.role === 'assistant' ? assistantBlocks(m) : m.role === 'tool' ? [toolResult(m)] : contentParts(m.content).map(partBlock);
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

/**
 * System and developer turns (plus the JSON-mode instruction, Anthropic having no JSON mode) as
 * Anthropic's `system`: a plain string when nothing in it is marked for caching, otherwise a
 * block array that keeps each `cache_control` where the client put it.
 */
function systemPrompt(request: ChatRequest): string | Block[] | undefined {
  const parts = request.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .flatMap((m) => contentParts(m.content).filter((p) => p.type === 'text'));
  const instruction = jsonInstruction(request.response_format);
  if (instruction) parts.push({ type: 'text', text: instruction });
  if (parts.length === 0) return undefined;
  if (!parts.some((p) => p.type === 'text' && p.cache_control)) return parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n\n');
  return parts.map(partBlock);
}

function anthropicToolChoice(choice: ToolChoice): Block {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.function.name };
}

/**
 * Extended thinking and the output limit that goes with it (`max_tokens` counts thinking too and
 * must exceed the budget). A budget the client chose (Anthropic face) is sent as it is; one
 * translated from an effort is fitted under the client's limit; a limit at or below Anthropic's
 * 1,024-token minimum cannot hold any thinking, which is refused by name rather than dropped.
 * Without a limit the answer keeps the default room on top of the budget.
 */
function thinkingAndLimit(request: ChatRequest): { max_tokens: number; thinking?: { type: 'enabled'; budget_tokens: number } } {
  const asked = thinkingBudget(request);
  if (!asked) return { max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS };
  if (request.max_tokens === undefined) return { max_tokens: asked + DEFAULT_MAX_TOKENS, thinking: { type: 'enabled', budget_tokens: asked } };
  if (request.thinking_budget === undefined && request.max_tokens <= effortBudgets.low) {
    // Not a malformed request: this deployment cannot think in so few tokens, another may.
    throw new ProviderError(
      'unsupported_parameter',
      `reasoning_effort: Anthropic thinks in at least ${effortBudgets.low} tokens, and the output limit is ${request.max_tokens}; raise max_completion_tokens or send no reasoning_effort`,
      400,
    );
  }
  const budget = request.thinking_budget !== undefined ? asked : Math.min(asked, request.max_tokens - 1);
  return { max_tokens: request.max_tokens, thinking: { type: 'enabled', budget_tokens: budget } };
}

export function anthropicRequestBody(request: ChatRequest, target: ProviderTarget, stream: boolean) {
  const system = systemPrompt(request);
  const stop = stopList(request.stop);
  return {
    model: target.model,
    ...thinkingAndLimit(request),
    messages: anthropicMessages(request.messages),
    ...(system !== undefined ? { system } : {}),
    // Anthropic's temperature range is 0–1 (OpenAI's 0–2): requests above 1 never reach it (routing/capabilities.ts).
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((t) => ({
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            input_schema: t.function.parameters ?? { type: 'object', properties: {} },
            ...breakpoint(t.cache_control),
          })),
        }
      : {}),
    ...(request.tools?.length && (request.tool_choice !== undefined || request.parallel_tool_calls === false)
      ? {
          tool_choice: {
            ...anthropicToolChoice(request.tool_choice ?? 'auto'),
            ...(request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}),
          },
        }
      : {}),
    ...(stream ? { stream: true } : {}),
  };
}
