import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../core/clock.ts';
import { attemptTagsSchema, type AttemptTags } from '../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../core/transport/event-bus.ts';
import { loadRoutesConfig, type RoutesConfig } from './config/routes-config.ts';
import type { ChatService } from './dispatch/chat-service.ts';
import { DispatchError } from './dispatch/dispatch-error.ts';
import { composeDispatch } from './dispatch/dispatch-composition.ts';
import type { Dispatcher } from './dispatch/dispatcher.ts';
import type { RequestContext } from './dispatch/request-context.ts';
import { buildRouteTable } from './dispatch/route-table.ts';
import { parseChatBody } from './http/chat-request-schema.ts';
import type { ChatCompletion, ChatCompletionChunk } from './providers/provider.ts';
import { RoutingWeights } from './routing/routing-weights.ts';

export { DispatchError };
export type { ChatCompletion, ChatCompletionChunk };

export interface SwitchyardOptions {
  /** A parsed routes config, or the path of a routes file. */
  routes: RoutesConfig | string;
  /** Where provider keys are read from (`api_key_env`); default process.env. */
  providerEnv?: Record<string, string | undefined>;
  /** Where attempt events go: `await createPublisher()` (the package entry) picks Kafka or the embedded store from the environment; or your own. */
  publisher: AttemptPublisher;
  /** Policy weights, if the app polls them itself. */
  weights?: RoutingWeights;
  clock?: Clock;
}

/** Per-call attribution and routing hints: what the HTTP entry point reads from headers. */
export interface CallOptions {
  tags?: Partial<AttemptTags>;
  conversationId?: string;
  signal?: AbortSignal;
  tier?: 'economy' | 'standard' | 'premium';
  difficulty?: 'low' | 'medium' | 'high';
  /** Data residency for this call: only deployments in these regions serve it. */
  regions?: string[];
}

/**
 * The routing shim as a library, in-process: the same dispatch, budgets, failover and attempt
 * events as the HTTP collector, without the hop. Requests are OpenAI Chat Completions bodies,
 * validated like the endpoint validates them; failures are DispatchError (HTTP status and code).
 */
export class Switchyard {
  private constructor(
    private readonly dispatcher: Dispatcher,
    private readonly chat: ChatService,
  ) {}

  static create(options: SwitchyardOptions): Switchyard {
    const config = typeof options.routes === 'string' ? loadRoutesConfig(options.routes) : options.routes;
    // The same composition as the HTTP collector's (cli/pipeline.ts), without its server.
    const { dispatcher, chat } = composeDispatch({
      config,
      routes: buildRouteTable(config, options.providerEnv ?? process.env),
      publisher: options.publisher,
      weights: options.weights,
      clock: options.clock,
    });
    return new Switchyard(dispatcher, chat);
  }

  routeNames(): string[] {
    return this.dispatcher.routeNames();
  }

  async complete(body: unknown, options: CallOptions = {}): Promise<ChatCompletion> {
    const { request, ctx } = this.prepare(body, options, false);
    return this.chat.complete(request, ctx);
  }

  /** Yields chunks as they arrive; a stream broken after its first chunk throws DispatchError. */
  async *stream(body: unknown, options: CallOptions = {}): AsyncGenerator<ChatCompletionChunk> {
    // A consumer that stops reading early cancels the upstream attempt, like a client disconnect.
    const stopped = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopped.signal]) : stopped.signal;
    const { request, ctx } = this.prepare(body, { ...options, signal }, true);
    const queue: Array<{ chunk: ChatCompletionChunk } | { end: true } | { error: DispatchError }> = [];
    let wake: (() => void) | null = null;
    const push = (item: (typeof queue)[number]) => {
      queue.push(item);
      wake?.();
    };
    const done = this.chat
      .stream(request, ctx, {
        open: () => {},
        chunk: (chunk) => push({ chunk }),
        fail: (message) => push({ error: new DispatchError(502, 'api_error', message, 'stream_interrupted') }),
        done: () => push({ end: true }),
      })
      .catch((err: unknown) => push({ error: err instanceof DispatchError ? err : new DispatchError(500, 'api_error', 'internal error') }));
    let finished = false;
    try {
      for (;;) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        const item = queue.shift()!;
        if ('chunk' in item) yield item.chunk;
        else if ('error' in item) throw item.error;
        else break;
      }
      finished = true;
    } finally {
      if (!finished) stopped.abort();
      await done;
    }
  }

  private prepare(body: unknown, options: CallOptions, stream: boolean) {
    const parsed = parseChatBody({ ...(body as object), stream });
    if (!parsed.ok) throw new DispatchError(400, 'invalid_request_error', parsed.message, null, parsed.param);
    const ctx: RequestContext = {
      requestId: uuidv7(),
      tags: attemptTagsSchema.parse(options.tags ?? {}),
      signal: options.signal ?? new AbortController().signal,
      tierHint: { tier: options.tier, difficulty: options.difficulty },
      ...(options.conversationId ? { conversationId: options.conversationId } : {}),
      ...(options.regions ? { allowedRegions: options.regions } : {}),
    };
    return { request: parsed.value.request, ctx };
  }
}
