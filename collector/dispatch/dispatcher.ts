import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { FallbackReason } from '../../core/events/attempt-event.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import type { RetryConfig } from '../config/routes-config.ts';
import { ProviderError, type ChatRequest, type Usage } from '../providers/provider.ts';
import { backoffDelayMs } from '../routing/backoff.ts';
import type { RoutingWeights } from '../routing/routing-weights.ts';
import { weightedOrder } from '../routing/weighted-order.ts';
import { buildAttemptEvent, fallbackReasonFor, ZERO_USAGE } from './attempt-event-builder.ts';
import { DispatchError, allAttemptsFailed } from './dispatch-error.ts';
import type { RequestContext } from './request-context.ts';
import type { Deployment, Route } from './route-table.ts';

export interface DispatcherOptions {
  routes: Map<string, Route>;
  weights: RoutingWeights;
  retry: RetryConfig;
  publisher: AttemptPublisher;
  clock?: Clock;
  random?: () => number;
  tracer?: Tracer;
}

/** Per-attempt handle given to the wire-level work. */
export interface AttemptControl {
  signal: AbortSignal;
  /** The response is now the client's: stop the time-to-first-token timeout, never fail over. */
  commit(): void;
}

/** What one successful (or committed) attempt produced. */
export interface AttemptResult<T> {
  value: T;
  usage: Usage;
  responseModel: string | null;
  ttftMs: number | null;
  /** The upstream broke after commit: the attempt is final and failed, but the client already has a response. */
  failedAfterCommit?: ProviderError;
}

export type AttemptExecutor<T> = (deployment: Deployment, control: AttemptControl) => Promise<AttemptResult<T>>;

/**
 * Runs one request through its route: weighted choice, then failover across deployments on
 * retryable failures with capped, jittered backoff; one attempt event per attempt.
 */
export class Dispatcher {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly tracer: Tracer;

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.tracer = options.tracer ?? trace.getTracer('switchyard-collector');
  }

  routeNames(): string[] {
    return [...this.options.routes.keys()];
  }

  async run<T>(request: ChatRequest, ctx: RequestContext, execute: AttemptExecutor<T>): Promise<T> {
    const route = this.options.routes.get(request.model);
    if (!route) throw new DispatchError(404, 'invalid_request_error', `The model \`${request.model}\` does not exist`, 'model_not_found', 'model');
    const span = this.tracer.startSpan(`chat ${request.model}`, {
      kind: SpanKind.SERVER,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': request.model, 'switchyard.request_id': ctx.requestId },
    });
    try {
      return await this.attemptAll(route, request, ctx, execute, span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', err instanceof DispatchError ? (err.code ?? err.type) : 'internal');
      throw err;
    } finally {
      span.end();
    }
  }

  private async attemptAll<T>(route: Route, request: ChatRequest, ctx: RequestContext, execute: AttemptExecutor<T>, requestSpan: Span): Promise<T> {
    const { retry, weights } = this.options;
    const order = weightedOrder(
      route.deployments.map((d) => ({ name: d.config.name, weight: weights.effective(route.config.name, d.config.name, d.config.weight), d })),
      this.random,
    ).map((w) => w.d);
    const deadlineMs = this.clock.now() + retry.request_timeout_ms;
    const failures: Array<{ deployment: string; error: ProviderError }> = [];
    let fallbackReason: FallbackReason = 'none';

    for (let attemptNo = 1; ; attemptNo++) {
      if (ctx.signal.aborted) throw new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
      const deployment = order[(attemptNo - 1) % order.length]!;
      const startedAtMs = this.clock.now();
      const facts = { context: ctx, route: route.config.name, requestedModel: request.model, deployment, attemptNo, isStream: request.stream, startedAtMs, fallbackReason };
      const span = this.startAttemptSpan(requestSpan, deployment, request, attemptNo);
      try {
        const result = await this.withAttemptSignal(ctx.signal, Math.min(retry.attempt_timeout_ms, deadlineMs - startedAtMs), (control) => execute(deployment, control));
        const failure = result.failedAfterCommit ?? null;
        this.emit({ ...facts, isFinal: true, endedAtMs: this.clock.now(), ttftMs: result.ttftMs, responseModel: result.responseModel, usage: result.usage, failure }, span);
        return result.value;
      } catch (err) {
        const failure = ctx.signal.aborted ? 'cancelled' : toProviderError(err);
        const nextAttemptNo = attemptNo + 1;
        const next = order[(nextAttemptNo - 1) % order.length]!;
        const delayMs =
          failure === 'cancelled' ? 0 : backoffDelayMs({ baseDelayMs: retry.base_delay_ms, maxDelayMs: retry.max_delay_ms }, nextAttemptNo, this.random, failure.retryAfterMs, next === deployment);
        const canRetry = failure !== 'cancelled' && failure.retryable && attemptNo < retry.max_attempts && this.clock.now() + delayMs < deadlineMs;
        this.emit({ ...facts, isFinal: !canRetry, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure }, span);
        if (failure === 'cancelled') throw new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
        failures.push({ deployment: deployment.config.name, error: failure });
        if (!canRetry) throw failure.retryable ? allAttemptsFailed(failures) : DispatchError.fromClientError(failure);
        fallbackReason = fallbackReasonFor(failure);
        requestSpan.addEvent('fallback', { 'switchyard.fallback_reason': fallbackReason, 'switchyard.next_deployment': next.config.name });
        await sleep(delayMs, ctx.signal);
      }
    }
  }

  private startAttemptSpan(parent: Span, deployment: Deployment, request: ChatRequest, attemptNo: number): Span {
    return this.tracer.startSpan(
      `chat ${deployment.config.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': providerSemconvName(deployment.config.provider),
          'gen_ai.request.model': deployment.config.model,
          'switchyard.deployment': deployment.config.name,
          'switchyard.attempt_no': attemptNo,
          'switchyard.requested_model': request.model,
        },
      },
      trace.setSpan(otelContext.active(), parent),
    );
  }

  private emit(facts: Parameters<typeof buildAttemptEvent>[0], span: Span): void {
    const event = buildAttemptEvent(facts);
    span.setAttributes({
      'gen_ai.response.model': event.model,
      'gen_ai.usage.input_tokens': event.input_tokens + event.cached_input_tokens,
      'gen_ai.usage.output_tokens': event.output_tokens + event.reasoning_tokens,
      'switchyard.attempt_id': event.attempt_id,
      'switchyard.cost_usd': event.cost_usd,
    });
    if (event.status !== 'ok') {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', event.error_class ?? event.status);
    }
    span.end();
    this.options.publisher.publish(event);
  }

  /** Aborts the attempt on client disconnect, or on timeout until the response is committed. */
  private async withAttemptSignal<T>(clientSignal: AbortSignal, timeoutMs: number, fn: (control: AttemptControl) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(clientSignal.reason);
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException('attempt timed out', 'TimeoutError')), Math.max(1, timeoutMs));
    try {
      return await fn({ signal: controller.signal, commit: () => clearTimeout(timer) });
    } finally {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', onClientAbort);
    }
  }
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { name?: string; message?: string };
  if (e?.name === 'TimeoutError') return new ProviderError('timeout', 'attempt timed out');
  return new ProviderError('network', e?.message ?? 'request failed');
}

/** OTel GenAI semantic-convention provider names. */
function providerSemconvName(provider: Deployment['config']['provider']): string {
  return provider === 'gemini' ? 'gcp.gemini' : provider === 'openai-compatible' ? 'openai' : provider;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
