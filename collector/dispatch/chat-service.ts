import type { ChatCompletion, ChatRequest, Usage } from '../providers/provider.ts';
import { ProviderError } from '../providers/provider.ts';
import type { Dispatcher } from './dispatcher.ts';
import { completionOf, DegradedAnswers, replay } from './degraded-answers.ts';
import type { RequestContext } from './request-context.ts';
import { streamAttempt, type ChunkSink } from './stream-attempt.ts';
import { estimateUsage } from './usage-estimate.ts';
import { embeddingAttempt } from './embedding-attempt.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { ParityHooks } from '../parity/parity-hooks.ts';

export type { ChunkSink, StreamStart } from './stream-attempt.ts';

/**
 * A non-streamed answer and its usage in canonical buckets: the provider's, or the shim's own
 * count when `estimated` (the completion then carries no usage); null for a cached replay.
 */
export interface ChatAnswer {
  completion: ChatCompletion;
  usage: Usage | null;
  estimated: boolean;
  /** For embeddings requests: the vectors, in input order (the completion then has no choices). */
  embeddings?: number[][];
}

/**
 * Chat completions over the dispatcher, non-streaming and streaming. Routes with `degradation`
 * remember good answers and replay one for an identical request when every provider fails.
 */
export class ChatService {
  private readonly degraded: DegradedAnswers;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock = systemClock,
    /** Contract checks and shadow traffic (collector/parity); checks only by default. */
    private readonly parity: ParityHooks = new ParityHooks(),
  ) {
    this.degraded = new DegradedAnswers(clock);
  }

  async complete(request: ChatRequest, ctx: RequestContext): Promise<ChatCompletion> {
    return (await this.answer(request, ctx)).completion;
  }

  /** Like `complete`, with the canonical usage for faces that report it in their own semantics. */
  async answer(request: ChatRequest, ctx: RequestContext): Promise<ChatAnswer> {
    if (request.operation === 'embeddings') return this.embed(request, ctx);
    const degradation = this.dispatcher.routeConfig(request.model)?.degradation;
    try {
      const answer = await this.dispatch(request, ctx);
      if (degradation) this.degraded.remember(request, ctx, answer.completion, degradation.cache_ttl_ms);
      return answer;
    } catch (err) {
      const cached = degradation ? this.degraded.instead(err, request, ctx) : null;
      if (!cached) throw err;
      return { completion: cached, usage: null, estimated: false };
    }
  }

  /** Embeddings through the same dispatch path: routed, failed over, costed and recorded like chat. */
  private async embed(request: ChatRequest, ctx: RequestContext): Promise<ChatAnswer> {
    let served: { usage: Usage; estimated: boolean } | null = null;
    const result = await this.dispatcher.run(request, ctx, async (deployment, control) => {
      const attempt = await embeddingAttempt(deployment, control);
      served = { usage: attempt.usage, estimated: attempt.usageEstimated };
      return attempt;
    });
    const { usage, estimated } = served ?? { usage: null, estimated: false };
    const completion: ChatCompletion = {
      id: ctx.requestId,
      object: 'chat.completion',
      created: Math.floor(this.clock.now() / 1000),
      model: result.model,
      choices: [],
    };
    return { completion, usage, estimated, embeddings: result.vectors };
  }

  private async dispatch(request: ChatRequest, ctx: RequestContext): Promise<ChatAnswer> {
    const filterFailover = this.dispatcher.routeConfig(request.model)?.content_filter_failover === true;
    const parity = this.beginParity(request, ctx);
    const answer = await this.dispatcher.run(request, ctx, async (deployment, control) => {
      const result = await deployment.adapter.complete({ ...control.request, stream: false }, deployment.target, control.signal);
      const choice = result.completion.choices[0];
      const calls = choice?.message.tool_calls ?? [];
      if (filterFailover && choice?.finish_reason === 'content_filter' && !choice.message.content && calls.length === 0) {
        throw new ProviderError('content_filter', 'the provider filtered this request before answering');
      }
      const text = [choice?.message.content ?? '', ...calls.map((c) => `[tool call ${c.function.name}(${c.function.arguments})]`)].filter(Boolean).join(' ');
      const usage = result.usageMissing
        ? estimateUsage(request, [choice?.message.content ?? '', ...calls.map((c) => c.function.arguments)].join(''), choice?.message.reasoning_content)
        : result.usage;
      return {
        value: { completion: result.completion, usage, estimated: result.usageMissing === true },
        usage,
        usageEstimated: result.usageMissing === true,
        responseModel: result.completion.model,
        ttftMs: null,
        finishReason: choice?.finish_reason ?? null,
        providerFields: result.providerFields,
        completionText: text,
        parity: parity.completion(deployment, result.completion),
      };
    });
    parity.answered(answer.completion);
    return answer;
  }

  /** Parity for one request; its shadow copy sends what the attempts sent (a budget's default max_tokens included). */
  private beginParity(request: ChatRequest, ctx: RequestContext) {
    const sent = this.dispatcher.dispatchedRequest(request, ctx);
    return this.parity.begin(sent, ctx, this.dispatcher.routeConfig(request.model), (r, d) => this.dispatcher.deployment(r, d));
  }

  /** Streams through the dispatcher (see streamAttempt for when a stream commits). */
  async stream(request: ChatRequest, ctx: RequestContext, sink: ChunkSink): Promise<void> {
    const degradation = this.dispatcher.routeConfig(request.model)?.degradation;
    try {
      const answer = await this.dispatchStream(request, ctx, sink);
      if (degradation && answer) this.degraded.remember(request, ctx, answer, degradation.cache_ttl_ms);
    } catch (err) {
      const cached = degradation ? this.degraded.instead(err, request, ctx) : null;
      if (!cached) throw err;
      replay(cached, sink);
    }
  }

  /** Streams an answer; returns it as a completion when it ended cleanly in plain text (cacheable). */
  private async dispatchStream(request: ChatRequest, ctx: RequestContext, sink: ChunkSink): Promise<ChatCompletion | null> {
    let answer: ChatCompletion | null = null;
    const filterFailover = this.dispatcher.routeConfig(request.model)?.content_filter_failover === true;
    const parity = this.beginParity(request, ctx);
    await this.dispatcher.run(request, ctx, async (deployment, control) => {
      const held = parity.streamSink(sink);
      const outcome = { ...(await streamAttempt(deployment, control, held, this.clock, filterFailover)) };
      outcome.parity = parity.streamEnded(deployment, held, outcome);
      if (!outcome.failedAfterCommit && !outcome.clientLeft && outcome.toolArgumentChars === 0 && outcome.text) {
        answer = completionOf(outcome.text, outcome.finishReason ?? null, outcome.responseModel ?? deployment.config.model, outcome.usage);
      }
      return outcome;
    });
    parity.answered();
    return answer;
  }
}
