import type { Clock } from '../../core/clock.ts';
import { openaiUsageBody } from '../providers/canonical-content.ts';
import type { ChatCompletion, ChatRequest, FinishReason, Usage } from '../providers/provider.ts';
import { DegradationCache } from '../resilience/degradation-cache.ts';
import { DispatchError } from './dispatch-error.ts';
import type { RequestContext } from './request-context.ts';
import type { ChunkSink } from './stream-attempt.ts';

/** The failures a degradation cache may answer for: every deployment failed, none was a client error. */
const DEGRADABLE = new Set(['all_attempts_failed', 'retry_budget_exhausted', 'circuit_open']);

/**
 * Degradation for routes that opt in: good answers remembered per identical request and tags,
 * and replayed for one when every provider failed in a way degradation covers.
 */
export class DegradedAnswers {
  private readonly cache: DegradationCache;

  constructor(clock: Clock) {
    this.cache = new DegradationCache(clock);
  }

  remember(request: ChatRequest, ctx: RequestContext, completion: ChatCompletion, ttlMs: number): void {
    this.cache.put(DegradationCache.key(request, ctx.tags), completion, ttlMs);
  }

  /** A remembered answer when `err` is a failure degradation covers; marks the request degraded. Null otherwise. */
  instead(err: unknown, request: ChatRequest, ctx: RequestContext): ChatCompletion | null {
    if (!(err instanceof DispatchError) || !DEGRADABLE.has(err.code ?? '')) return null;
    const cached = this.cache.get(DegradationCache.key(request, ctx.tags));
    if (cached) ctx.degraded = true;
    return cached;
  }
}

/** A streamed answer that ended cleanly in plain text, as a completion worth remembering. */
export function completionOf(text: string, finish: FinishReason, model: string, usage: Usage): ChatCompletion {
  return {
    id: `chatcmpl-cached-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish ?? 'stop' }],
    usage: openaiUsageBody(usage),
  };
}

/** A remembered answer as a stream: one content chunk, then the finish. */
export function replay(cached: ChatCompletion, sink: ChunkSink): void {
  const choice = cached.choices[0]!;
  const base = { id: cached.id, object: 'chat.completion.chunk' as const, created: cached.created, model: cached.model };
  sink.open({ model: cached.model, usage: null });
  sink.chunk({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: choice.message.content ?? '' }, finish_reason: null }] });
  sink.chunk({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }] });
  // Nothing was billed for a replay: no usage to report.
  sink.done({ usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }, estimated: true });
}
