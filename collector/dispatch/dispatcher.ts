import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { AttemptEvent, FallbackReason } from '../../core/events/attempt-event.ts';
import { sleepUnlessAborted, systemClock, type Clock } from '../../core/clock.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import type { BudgetsConfig, CircuitBreakerConfig, RetryBudgetConfig, RetryConfig } from '../config/routes-config.ts';
import { CircuitOpenError, DeploymentBreakers, type BreakerState } from '../resilience/deployment-breakers.ts';
import { RetryBudget } from '../resilience/retry-budget.ts';
import { ProviderError, type ChatRequest, type FinishReason, type ProviderFields, type Usage } from '../providers/provider.ts';
import { backoffDelayMs } from '../routing/backoff.ts';
import type { RoutingWeights } from '../routing/routing-weights.ts';
import { StickySessions } from '../routing/sticky-sessions.ts';
import { ewma, orderCandidates } from '../routing/route-strategy.ts';
import { requirementsOf, unmetNeeds } from '../routing/capabilities.ts';
import { orderByTier, requestedTier, tierPreference, type Tier } from '../routing/tiers.ts';
import { blendedPrice } from '../pricing/price-sheet.ts';
import { buildAttemptEvent, fallbackReasonFor, ZERO_USAGE } from './attempt-event-builder.ts';
import { DispatchError, allAttemptsFailed, budgetRejection } from './dispatch-error.ts';
import { BudgetRejected, type Admission, type Budgets } from '../budget/budget-gate.ts';
import { countPromptTokens } from '../budget/prompt-tokens.ts';
import { actualNano, inputOnlyUsage, worstCaseNano } from '../budget/worst-case-cost.ts';
import type { RequestContext } from './request-context.ts';
import type { Deployment, Route } from './route-table.ts';

export interface DispatcherOptions {
  routes: Map<string, Route>;
  weights: RoutingWeights;
  retry: RetryConfig;
  retryBudget?: RetryBudgetConfig;
  circuitBreaker?: CircuitBreakerConfig;
  /** Told when a deployment's circuit opens, probes or closes. */
  onCircuitChange?: (deployment: string, state: BreakerState) => void;
  /** Told about every attempt event, after it was published (metrics). */
  onAttempt?: (event: AttemptEvent) => void;
  publisher: AttemptPublisher;
  /** Spend limits checked before every attempt; absent means no budgets. */
  budgets?: Budgets;
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
  finishReason?: FinishReason;
  providerFields?: ProviderFields;
  /** The answer's text, kept only when the route stores content. */
  completionText?: string;
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
  private readonly retryBudget: RetryBudget;
  private readonly breakers: DeploymentBreakers;
  private readonly sticky = new StickySessions();
  private routes: Map<string, Route>;
  private retry: RetryConfig;
  /** Recent latency (time to first token for streams) per route/deployment, for `latency` routing. */
  private readonly latency = new Map<string, number>();
  private budgets: DispatcherOptions['budgets'];

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.tracer = options.tracer ?? trace.getTracer('switchyard-collector');
    this.routes = options.routes;
    this.retry = options.retry;
    this.budgets = options.budgets;
    const budget = options.retryBudget ?? { ratio: 0.2, min_per_window: 100, window_ms: 10_000 };
    this.retryBudget = new RetryBudget({ ratio: budget.ratio, minPerWindow: budget.min_per_window, windowMs: budget.window_ms });
    const cb = options.circuitBreaker ?? { failure_threshold: 0.5, window_ms: 10_000, minimum_rps: 1, half_open_after_ms: 5000 };
    this.breakers = new DeploymentBreakers(
      { failureThreshold: cb.failure_threshold, windowMs: cb.window_ms, minimumRps: cb.minimum_rps, halfOpenAfterMs: cb.half_open_after_ms },
      options.onCircuitChange,
      this.clock,
    );
  }

  /** Swaps routes, retry and budget settings for requests that start from now on (config hot reload). */
  reconfigure(routes: Map<string, Route>, retry: RetryConfig, budgets?: BudgetsConfig): void {
    this.routes = routes;
    this.retry = retry;
    if (budgets && this.budgets) {
      this.budgets.ledger.replaceLimits(budgets.limits);
      this.budgets.defaultMaxTokens = budgets.default_max_tokens;
    }
  }

  /** Circuit state of a route's deployment, for health and metrics. */
  circuitState(route: string, deployment: string): BreakerState {
    return this.breakers.state(`${route}/${deployment}`);
  }

  routeNames(): string[] {
    return [...this.routes.keys()];
  }

  async run<T>(request: ChatRequest, ctx: RequestContext, execute: AttemptExecutor<T>): Promise<T> {
    const route = this.routes.get(request.model);
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
    const { weights } = this.options;
    // Read once: a config reload swaps these for later requests, never under a running one.
    const retry = this.retry;
    let promptTokens: number | null = null;
    const prompt = () => (promptTokens ??= countPromptTokens(request));
    const eligible = this.eligible(route, request, ctx, prompt);
    const tier = this.tierFor(route, request, ctx, prompt);
    const candidates = eligible.map((d) => ({
      item: d,
      weight: weights.effective(route.config.name, d.config.name, d.config.weight),
      priceScore: blendedPrice(d.price),
      latencyMs: this.latency.get(breakerKey(route, d)) ?? null,
    }));
    const strategyOrder = this.stickyFirst(route, ctx, orderCandidates(route.config.strategy, candidates, this.random), candidates);
    const order = tier ? orderByTier(strategyOrder, (d) => d.config.tier, tierPreference(tier, route.config.tiering.fallback)) : strategyOrder;
    if (order.length === 0) throw new DispatchError(400, 'invalid_request_error', `route "${route.config.name}" has no ${tier} deployment that can serve this request, and its tiering allows no fallback`, 'no_capable_deployment');
    const deadlineMs = this.clock.now() + retry.request_timeout_ms;
    const failures: Array<{ deployment: string; error: ProviderError }> = [];
    const budgets = this.budgets?.gate.applies(ctx.tags) ? this.budgets : null;
    // Under a budget the worst case must be bounded: a request without max_tokens gets the default.
    // In place, because the attempt executor reads the same request object.
    if (budgets) request.max_tokens ??= budgets.defaultMaxTokens;
    let fallbackReason: FallbackReason = 'none';
    let cursor = 0;
    let raced = 0;
    this.retryBudget.recordRequest(this.clock.now());

    for (let attemptNo = 1; ; attemptNo++) {
      if (ctx.signal.aborted) throw new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
      const index = this.nextAvailable(route, order, cursor);
      let deployment = order[(index ?? cursor) % order.length]!;
      if (index === null) {
        // Every circuit is open: reject without calling anyone, and record that the request ended here.
        const now = this.clock.now();
        const span = this.startAttemptSpan(requestSpan, deployment, request, attemptNo);
        this.emit({ context: ctx, route: route.config.name, requestedModel: request.model, deployment, attemptNo, isStream: request.stream, startedAtMs: now, fallbackReason, isFinal: true, endedAtMs: now, ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure: 'circuit_open' }, span);
        throw allAttemptsFailed(failures, `every deployment of route "${route.config.name}" is cooling down after failures`);
      }
      cursor = index + 1;

      let admission: Admission<Deployment> | null = null;
      if (budgets) {
        const maxTokens = request.max_tokens!;
        const choices = [deployment, ...this.availableAfter(route, order, cursor)].map((d) => ({ deployment: d, worstCaseNano: worstCaseNano(prompt(), maxTokens, d.price) }));
        try {
          admission = await budgets.gate.admit(ctx.tags, choices, ctx.signal, deadlineMs);
        } catch (err) {
          if (!(err instanceof BudgetRejected)) throw new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
          const now = this.clock.now();
          const span = this.startAttemptSpan(requestSpan, deployment, request, attemptNo);
          this.emit({ context: ctx, route: route.config.name, requestedModel: request.model, deployment, attemptNo, isStream: request.stream, startedAtMs: now, fallbackReason, isFinal: true, endedAtMs: now, ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure: 'budget_exhausted', budget: err.budget }, span);
          throw budgetRejection(err);
        }
        deployment = admission.deployment;
        // A soft-throttle wait is deliberate, like backoff: not the shim's overhead.
        ctx.timing?.backedOff(admission.budget.delay_ms);
      }
      const startedAtMs = this.clock.now();
      const facts = { context: ctx, route: route.config.name, requestedModel: request.model, deployment, attemptNo, isStream: request.stream, startedAtMs, fallbackReason, tier: tier ? deployment.config.tier : '', ...(admission ? { budget: admission.budget } : {}) };
      const settle = (usage: Usage) => admission && budgets!.gate.settle(admission.reservation, actualNano(usage, deployment.price));
      const span = this.startAttemptSpan(requestSpan, deployment, request, attemptNo);
      ctx.timing?.attemptStarted();
      try {
        const result = await this.breakers.run(breakerKey(route, deployment), () =>
          this.withAttemptSignal(ctx.signal, Math.min(retry.attempt_timeout_ms, deadlineMs - startedAtMs), (control) => execute(deployment, control)),
        );
        ctx.timing?.attemptEnded();
        settle(result.usage);
        const failure = result.failedAfterCommit ?? null;
        const key = breakerKey(route, deployment);
        this.latency.set(key, ewma(this.latency.get(key) ?? null, result.ttftMs ?? this.clock.now() - startedAtMs));
        if (ctx.conversationId) this.sticky.remember(`${route.config.name}:${ctx.conversationId}`, deployment.config.name, this.clock.now());
        this.emit({ ...facts, isFinal: true, endedAtMs: this.clock.now(), ttftMs: result.ttftMs, responseModel: result.responseModel, usage: result.usage, failure, finishReason: result.finishReason ?? null, providerFields: result.providerFields ?? {} }, span);
        return result.value;
      } catch (err) {
        ctx.timing?.attemptEnded();
        if (err instanceof CircuitOpenError && raced++ < order.length) {
          // Another request holds the half-open probe: try the next deployment, no call was made.
          settle(ZERO_USAGE);
          span.end();
          attemptNo--;
          continue;
        }
        const failure = ctx.signal.aborted ? 'cancelled' : toProviderError(err);
        if (failure === 'cancelled') {
          // The provider already read the prompt: a cancelled request is charged its input, not zero.
          const usage = inputOnlyUsage(prompt());
          settle(usage);
          this.emit({ ...facts, isFinal: true, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage, failure }, span);
          throw new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');
        }
        settle(ZERO_USAGE);
        const next = order[cursor % order.length]!;
        const delayMs = backoffDelayMs({ baseDelayMs: retry.base_delay_ms, maxDelayMs: retry.max_delay_ms }, attemptNo + 1, this.random, failure.retryAfterMs, next === deployment);
        const mayRetry = failure.retryable && attemptNo < retry.max_attempts && this.clock.now() + delayMs < deadlineMs;
        // The budget is consulted last, so only retries that would really happen spend it.
        const budgetLeft = mayRetry && this.retryBudget.tryAcquire(this.clock.now());
        this.emit({ ...facts, isFinal: !budgetLeft, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure }, span);
        failures.push({ deployment: deployment.config.name, error: failure });
        if (!failure.retryable) throw DispatchError.fromClientError(failure);
        if (!budgetLeft) throw allAttemptsFailed(failures, mayRetry ? 'retry budget exhausted' : undefined);
        fallbackReason = fallbackReasonFor(failure);
        requestSpan.addEvent('fallback', { 'switchyard.fallback_reason': fallbackReason, 'switchyard.next_deployment': next.config.name });
        await sleepUnlessAborted(delayMs, ctx.signal);
        ctx.timing?.backedOff(delayMs);
      }
    }
  }

  /**
   * The route's deployments that can serve this request: capabilities it needs (tools, images,
   * JSON mode, context window for the counted prompt) and the key's region allow-list. None → 400
   * saying why for each.
   */
  private eligible(route: Route, request: ChatRequest, ctx: RequestContext, prompt: () => number): Deployment[] {
    const checksContext = route.deployments.some((d) => d.config.capabilities.context_window !== undefined);
    const needs = requirementsOf(request, checksContext ? prompt() + (request.max_tokens ?? 0) : null);
    const reasons: string[] = [];
    const eligible = route.deployments.filter((d) => {
      const unmet = unmetNeeds(d.config, needs, ctx.allowedRegions);
      if (unmet.length) reasons.push(`${d.config.name}: ${unmet.join(', ')}`);
      return unmet.length === 0;
    });
    if (eligible.length > 0) return eligible;
    const onlyContext = reasons.every((r) => r.includes('context window'));
    throw new DispatchError(
      400,
      'invalid_request_error',
      `no deployment of route "${route.config.name}" can serve this request: ${reasons.join('; ')}`,
      onlyContext ? 'context_length_exceeded' : 'no_capable_deployment',
      onlyContext ? 'messages' : null,
    );
  }

  /** The requested tier, on routes whose deployments span several tiers; null otherwise. */
  private tierFor(route: Route, request: ChatRequest, ctx: RequestContext, prompt: () => number): Tier | null {
    if (new Set(route.deployments.map((d) => d.config.tier)).size < 2) return null;
    return requestedTier(ctx.tierHint ?? {}, { promptTokens: prompt, usesTools: Boolean(request.tools?.length) }, route.config.tiering);
  }

  /** Deployments after `cursor` (wrapping) whose circuits let calls through: where a budget downgrade may go. */
  private availableAfter(route: Route, order: Deployment[], cursor: number): Deployment[] {
    const out: Deployment[] = [];
    for (let i = cursor; i < cursor + order.length - 1; i++) {
      const d = order[i % order.length]!;
      if (!this.breakers.coolingDown(breakerKey(route, d))) out.push(d);
    }
    return out;
  }

  /**
   * A conversation's deployment goes first while policy still gives it weight; an open circuit
   * is skipped like for any request, and the conversation then sticks to whoever answers.
   */
  private stickyFirst(route: Route, ctx: RequestContext, order: Deployment[], candidates: Array<{ item: Deployment; weight: number }>): Deployment[] {
    if (!ctx.conversationId) return order;
    const name = this.sticky.get(`${route.config.name}:${ctx.conversationId}`, this.clock.now());
    const healthy = candidates.some((c) => c.item.config.name === name && c.weight > 0);
    const i = order.findIndex((d) => d.config.name === name);
    return !healthy || i <= 0 ? order : [order[i]!, ...order.filter((_, k) => k !== i)];
  }

  /** Index (from `cursor`, wrapping) of the next deployment not cooling down behind an open circuit. */
  private nextAvailable(route: Route, order: Deployment[], cursor: number): number | null {
    for (let i = cursor; i < cursor + order.length; i++) {
      if (!this.breakers.coolingDown(breakerKey(route, order[i % order.length]!))) return i;
    }
    return null;
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
    this.options.onAttempt?.(event);
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

/** Circuits are per route and deployment: one deployment name may serve different routes differently. */
function breakerKey(route: Route, deployment: Deployment): string {
  return `${route.config.name}/${deployment.config.name}`;
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
