import { randomUUID } from 'node:crypto';
import { parseRoutesConfig, type RoutesConfig } from '../../collector/config/routes-config.ts';
import type { ChatService, ChunkSink } from '../../collector/dispatch/chat-service.ts';
import { composeDispatch } from '../../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable } from '../../collector/dispatch/route-table.ts';
import { ParityHooks } from '../../collector/parity/parity-hooks.ts';
import type { ChatCompletionChunk, ChatRequest } from '../../collector/providers/provider.ts';
import { attemptTagsSchema, type AttemptEvent } from '../../core/events/attempt-event.ts';
import { collectingPublisher } from './collecting-publisher.ts';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';

export const PROVIDERS = [
  { kind: 'openai', upstream: 'oa', deployment: 'openai-a', model: 'gpt-4o-mini' },
  { kind: 'anthropic', upstream: 'an', deployment: 'anthropic-a', model: 'claude-3-5-haiku-latest' },
  { kind: 'gemini', upstream: 'ge', deployment: 'gemini-a', model: 'gemini-2.0-flash' },
] as const;

export interface ParityHarness {
  up: ScriptedUpstream;
  chat: ChatService;
  parity: ParityHooks;
  /** Every attempt event, shadow traffic included. */
  events: AttemptEvent[];
  complete(request: Omit<ChatRequest, 'stream'>): Promise<{ content: string | null; tools: string[] }>;
  /** Streams a request; returns what reached the client. */
  stream(request: Omit<ChatRequest, 'stream'>): Promise<{ text: string; tools: string[]; frames: number }>;
  close(): Promise<void>;
}

/**
 * Dispatcher and chat service over scripted upstreams, events recorded in memory. Routes:
 * `<kind>` with one deployment of that provider format each; and whatever `extra` adds
 * (deployments named as in PROVIDERS).
 */
export async function startParityHarness(
  extra: (d: (kind: (typeof PROVIDERS)[number]['kind']) => Record<string, unknown>) => unknown[] = () => [],
): Promise<ParityHarness> {
  const up = await startScriptedUpstream();
  const deployment = (kind: (typeof PROVIDERS)[number]['kind']) => {
    const p = PROVIDERS.find((x) => x.kind === kind)!;
    return { name: p.deployment, provider: p.kind, base_url: up.baseUrl(p.upstream, p.kind), api_key_env: 'SCRIPTED_KEY', model: p.model };
  };
  const config: RoutesConfig = parseRoutesConfig({
    retry: { base_delay_ms: 1, max_delay_ms: 2 },
    routes: [...PROVIDERS.map((p) => ({ name: p.kind, deployments: [deployment(p.kind)] })), ...extra(deployment)],
  });
  const events: AttemptEvent[] = [];
  const publisher = collectingPublisher(events);
  const parity = ParityHooks.withShadow(publisher);
  const { chat } = composeDispatch({ config, routes: buildRouteTable(config, { SCRIPTED_KEY: 'k' }), publisher, parity });
  const ctx = () => ({ requestId: randomUUID(), tags: attemptTagsSchema.parse({ team: 'search' }), signal: new AbortController().signal });
  return {
    up,
    chat,
    parity,
    events,
    async complete(request) {
      const { completion } = await chat.answer({ ...request, stream: false }, ctx());
      const message = completion.choices[0]!.message;
      return { content: message.content, tools: (message.tool_calls ?? []).map((c) => c.function.name) };
    },
    async stream(request) {
      let text = '';
      let frames = 0;
      const tools: string[] = [];
      const sink: ChunkSink = {
        open: () => {},
        chunk: (c: ChatCompletionChunk) => {
          frames++;
          text += c.choices.map((x) => x.delta.content ?? '').join('');
          for (const t of c.choices.flatMap((x) => x.delta.tool_calls ?? [])) if (t.function.name) tools.push(t.function.name);
        },
        fail: () => {},
        done: () => {},
      };
      await chat.stream({ ...request, stream: true }, ctx(), sink);
      return { text, tools, frames };
    },
    close: () => up.close(),
  };
}
