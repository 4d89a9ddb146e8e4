import type { ChatCompletion, ChatCompletionChunk, ChatRequest, FinishReason, ProviderFields, Usage } from '../providers/provider.ts';
import { ProviderError } from '../providers/provider.ts';
import { ZERO_USAGE } from './attempt-event-builder.ts';
import type { AttemptResult, Dispatcher } from './dispatcher.ts';
import { DispatchError } from './dispatch-error.ts';
import { DegradationCache } from '../resilience/degradation-cache.ts';
import type { RequestContext } from './request-context.ts';
import { systemClock, type Clock } from '../../core/clock.ts';

/** Where a streamed answer goes. Nothing reaches it before `open`, which happens at most once. */
export interface ChunkSink {
  open(): void;
  chunk(chunk: ChatCompletionChunk): void;
  /** The upstream broke after commit: end with an explicit error, never a clean finish. */
  fail(message: string): void;
  done(usage: Usage): void;
}

/** The failures a degradation cache may answer for: every deployment failed, none was a client error. */
const DEGRADABLE = new Set(['all_attempts_failed', 'retry_budget_exhausted', 'circuit_open']);

/**
 * Chat completions over the dispatcher, non-streaming and streaming. Routes with `degradation`
 * remember good answers and replay one for an identical request when every provider fails.
 */
export class ChatService {
  private readonly cache: DegradationCache;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock = systemClock,
  ) {
    this.cache = new DegradationCache(clock);
  }

  async complete(request: ChatRequest, ctx: RequestContext): Promise<ChatCompletion> {
    const degradation = this.dispatcher.routeConfig(request.model)?.degradation;
    try {
      const completion = await this.dispatch(request, ctx);
      if (degradation) this.cache.put(DegradationCache.key(request, ctx.tags), completion, degradation.cache_ttl_ms);
      return completion;
    } catch (err) {
      const cached = degradation ? this.fallback(err, request, ctx) : null;
      if (!cached) throw err;
      return cached;
    }
  }

  /** A cached answer when the request failed in a way degradation covers; marks the request degraded. */
  private fallback(err: unknown, request: ChatRequest, ctx: RequestContext): ChatCompletion | null {
    if (!(err instanceof DispatchError) || !DEGRADABLE.has(err.code ?? '')) return null;
    const cached = this.cache.get(DegradationCache.key(request, ctx.tags));
    if (cached) ctx.degraded = true;
    return cached;
  }

  private dispatch(request: ChatRequest, ctx: RequestContext): Promise<ChatCompletion> {
    return this.dispatcher.run(request, ctx, async (deployment, control) => {
      const result = await deployment.adapter.complete({ ...request, stream: false }, deployment.target, control.signal);
      const choice = result.completion.choices[0];
      return {
        value: result.completion,
        usage: result.usage,
        responseModel: result.completion.model,
        ttftMs: null,
        finishReason: choice?.finish_reason ?? null,
        providerFields: result.providerFields,
        completionText: [choice?.message.content ?? '', ...(choice?.message.tool_calls ?? []).map((c) => `[tool call ${c.function.name}(${c.function.arguments})]`)].filter(Boolean).join(' '),
      };
    });
  }

  /**
   * Streams through the dispatcher. Frames are held back until the first content (text or a
   * tool call), so a provider that fails before saying anything is still replaced
   * transparently; after that the stream is committed to its provider.
   */
  async stream(request: ChatRequest, ctx: RequestContext, sink: ChunkSink): Promise<void> {
    const degradation = this.dispatcher.routeConfig(request.model)?.degradation;
    try {
      const answer = await this.dispatchStream(request, ctx, sink);
      if (degradation && answer) this.cache.put(DegradationCache.key(request, ctx.tags), answer, degradation.cache_ttl_ms);
    } catch (err) {
      const cached = degradation ? this.fallback(err, request, ctx) : null;
      if (!cached) throw err;
      replay(cached, sink);
    }
  }

  /** Streams an answer; returns it as a completion when it ended cleanly in plain text (cacheable). */
  private async dispatchStream(request: ChatRequest, ctx: RequestContext, sink: ChunkSink): Promise<ChatCompletion | null> {
    let answer: ChatCompletion | null = null;
    await this.dispatcher.run(request, ctx, async (deployment, control): Promise<AttemptResult<void>> => {
      const startedAt = this.clock.now();
      const events = await deployment.adapter.stream({ ...request, stream: true }, deployment.target, control.signal);
      const held: ChatCompletionChunk[] = [];
      let committed = false;
      let ttftMs: number | null = null;
      let usage: Usage | null = null;
      let responseModel: string | null = null;
      let finishReason: FinishReason = null;
      let providerFields: ProviderFields = {};
      let text = '';
      let toolArgumentChars = 0;
      try {
        for await (const event of events) {
          if (event.type === 'usage') {
            usage = event.usage;
            continue;
          }
          if (event.type === 'provider_fields') {
            providerFields = event.fields;
            continue;
          }
          responseModel = event.chunk.model || responseModel;
          const pieceText = event.chunk.choices.map((c) => c.delta.content ?? '').join('');
          const hasToolCall = event.chunk.choices.some((c) => c.delta.tool_calls?.length);
          text += pieceText;
          toolArgumentChars += event.chunk.choices.reduce((n, c) => n + (c.delta.tool_calls ?? []).reduce((m, t) => m + (t.function.arguments?.length ?? 0), 0), 0);
          finishReason = event.chunk.choices.find((c) => c.finish_reason)?.finish_reason ?? finishReason;
          if (!committed && pieceText === '' && !hasToolCall && event.chunk.choices.every((c) => c.finish_reason === null)) {
            held.push(event.chunk);
            continue;
          }
          if (!committed) {
            committed = true;
            ttftMs = this.clock.now() - startedAt;
            // A hedged twin may have committed first: then this attempt loses and stops here.
            control.commit();
            sink.open();
            for (const h of held) sink.chunk(h);
          }
          sink.chunk(event.chunk);
        }
      } catch (err) {
        if (!committed) throw err;
        const error = err instanceof ProviderError ? err : new ProviderError('network', 'stream broke');
        sink.fail(`upstream stream failed: ${error.kind}`);
        // The provider never reported usage for a cut stream: estimate output at ~4 characters a token.
        const partial = usage ?? { ...ZERO_USAGE, outputTokens: Math.ceil((text.length + toolArgumentChars) / 4) };
        return { value: undefined, usage: partial, responseModel, ttftMs, failedAfterCommit: error, providerFields, completionText: text };
      }
      if (!committed) {
        control.commit();
        sink.open();
        for (const h of held) sink.chunk(h);
      }
      sink.done(usage ?? ZERO_USAGE);
      const final = usage ?? ZERO_USAGE;
      if (toolArgumentChars === 0 && text) answer = completionOf(text, finishReason, responseModel ?? deployment.config.model, final);
      return { value: undefined, usage: final, responseModel, ttftMs, finishReason, providerFields, completionText: text };
    });
    return answer;
  }
}

function completionOf(text: string, finish: FinishReason, model: string, usage: Usage): ChatCompletion {
  const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  const completion = usage.outputTokens + usage.reasoningTokens;
  return {
    id: `chatcmpl-cached-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish ?? 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** A cached answer as a stream: one content chunk, then the finish. */
function replay(cached: ChatCompletion, sink: ChunkSink): void {
  const choice = cached.choices[0]!;
  const base = { id: cached.id, object: 'chat.completion.chunk' as const, created: cached.created, model: cached.model };
  sink.open();
  sink.chunk({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: choice.message.content ?? '' }, finish_reason: null }] });
  sink.chunk({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }] });
  sink.done(ZERO_USAGE);
}
