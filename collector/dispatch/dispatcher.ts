import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { AttemptBudget, AttemptEvent, FallbackReason } from '../../core/events/attempt-event.ts';
import { sleepUnlessAborted, systemClock, type Clock } from '../../core/clock.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import type { BudgetsConfig, CircuitBreakerConfig, RetryBudgetConfig, RetryConfig } from '../config/routes-config.ts';
import { CircuitOpenError, DeploymentBreakers, type BreakerState } from '../resilience/deployment-breakers.ts';
import { RetryBudget } from '../resilience/retry-budget.ts';
import { ProviderError, type ChatRequest, type FinishReason, type ProviderFields, type Usage } from '../providers/provider.ts';
import type { RoutingWeights } from '../routing/routing-weights.ts';
import { orderCandidates } from '../routing/route-strategy.ts';
import { orderByTier, tierPreference, type Tier } from '../routing/tiers.ts';
import { blendedPrice } from '../pricing/price-sheet.ts';
import { AttemptRecorder } from './attempt-recorder.ts';
import { fallbackReasonFor, ZERO_USAGE, type AttemptFacts, type AttemptRefusal } from './attempt-event-builder.ts';
import { eligibleDeployments, tierForRequest } from './candidates.ts';
import { HedgeLostError, HedgeRace } from './hedge-race.ts';
import { storedContent } from '../privacy/stored-content.ts';
import type { ParityOutcome } from '../parity/parity-outcome.ts';
import { DispatchError, allAttemptsFailed, budgetRejection, internalFailure, rateLimitedRoute } from './dispatch-error.ts';
import { breakerKey, DeploymentAvailability, type NextDeployment } from './deployment-availability.ts';
import { classifyAttemptFailure, failoverScope, maxWaitMs, planFailover, type FailoverStep } from './failover.ts';
import { InternalError } from './internal-error.ts';
import { RateLimitCooldowns } from './rate-limit-cooldowns.ts';
import { RouteMemory } from './route-memory.ts';
import { BudgetRejected, type Admission, type Budgets } from '../budget/budget-gate.ts';
import { countPromptTokens } from '../budget/prompt-tokens.ts';
import { unblamed } from '../budget/unblamed-deployment.ts';
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
  /** The provider reported no usage: `usage` was counted by the shim. */
  usageEstimated?: boolean;
  /** The answer's contract check (collector/parity). */
  parity?: ParityOutcome;
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
  private readonly recorder: AttemptRecorder;
  private readonly retryBudget: RetryBudget;
  private readonly breakers: DeploymentBreakers;
  private readonly availability: DeploymentAvailability;
  private readonly memory: RouteMemory;
  private routes: Map<string, Route>;
  private retry: RetryConfig;
  private budgets: DispatcherOptions['budgets'];

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.tracer = options.tracer ?? trace.getTracer('switchyard-collector');
    this.recorder = new AttemptRecorder(this.tracer, options.publisher, options.onAttempt);
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
    this.availability = new DeploymentAvailability(this.breakers, new RateLimitCooldowns(this.clock));
    this.memory = new RouteMemory(this.clock);
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

  /** A route's config, for layers above dispatch (degradation); undefined for unknown models. */
  routeConfig(name: string): Route['config'] | undefined {
    return this.routes.get(name)?.config;
  }

  /** A route's deployment by name (parity's shadow traffic); undefined when unknown. */
  deployment(route: string, name: string): Deployment | undefined {
    return this.routes.get(route)?.deployments.find((d) => d.config.name === name);
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
    const eligible = eligibleDeployments(route, request, ctx, prompt);
    const tier = tierForRequest(route, request, ctx, prompt);
    const candidates = eligible.map((d) => ({
      item: d,
      weight: weights.effective(route.config.name, d.config.name, d.config.weight),
      priceScore: blendedPrice(d.price),
      latencyMs: this.memory.latencyMs(route, d),
    }));
    const strategyOrder = this.memory.stickyFirst(route, ctx.conversationId, orderCandidates(route.config.strategy, candidates, this.random), candidates);
    const order = tier ? orderByTier(strategyOrder, (d) => d.config.tier, tierPreference(tier, route.config.tiering.fallback)) : strategyOrder;
    if (order.length === 0)
      throw new DispatchError(
        400,
        'invalid_request_error',
        `route "${route.config.name}" has no ${tier} deployment that can serve this request, and its tiering allows no fallback`,
        'no_capable_deployment',
      );
    const budgets = this.budgets?.gate.applies(ctx.tags) ? this.budgets : null;
    // Under a budget the worst case must be bounded: a request without max_tokens gets the default.
    // In place, because the attempt executor reads the same request object.
    if (budgets) request.max_tokens ??= budgets.defaultMaxTokens;
    const run: RequestRun<T> = {
      route,
      request,
      ctx,
      execute,
      requestSpan,
      retry,
      tier,
      prompt,
      budgets,
      deadlineMs: this.clock.now() + retry.request_timeout_ms,
    };
    const failures: Array<{ deployment: string; error: ProviderError }> = [];
    let fallbackReason: FallbackReason = 'none';
    let cursor = 0;
    let raced = 0;
    this.retryBudget.recordRequest(this.clock.now());

    /** Chosen when the previous attempt failed (its wait already slept); null: choose afresh. */
    let planned: NextDeployment | null = null;
    /** After a failure only a different deployment can cure, the deployments already tried are out. */
    const tried = new Set<Deployment>();
    let untriedOnly = false;

    for (let attemptNo = 1; ; attemptNo++) {
      if (ctx.signal.aborted) throw cancelledError();
      const pick: NextDeployment | null =
        planned ?? this.availability.next(route, order, cursor, maxWaitMs(run, this.clock.now()), untriedOnly ? tried : undefined);
      planned = null;
      if (pick === null) {
        // Every circuit is open, or every provider asked us to wait longer than we may: reject
        // without calling anyone, and record that the request ended here.
        const retryAfterMs = this.availability.soonestRetryMs(route, order);
        this.emitRefusal(run, order[cursor % order.length]!, attemptNo, fallbackReason, retryAfterMs === null ? 'circuit_open' : 'rate_limit_cooldown');
        if (retryAfterMs !== null)
          throw failures.length ? allAttemptsFailed(failures, undefined, retryAfterMs) : rateLimitedRoute(route.config.name, retryAfterMs);
        throw allAttemptsFailed(failures, `every deployment of route "${route.config.name}" is cooling down after failures`);
      }
      if (pick.waitMs > 0) {
        await sleepUnlessAborted(pick.waitMs, ctx.signal);
        ctx.timing?.backedOff(pick.waitMs);
      }
      cursor = pick.index + 1;
      const deployment = order[pick.index % order.length]!;
      const admission = await this.admit(run, [deployment, ...this.availability.availableAfter(route, order, cursor)], attemptNo, fallbackReason, true);
      // A budget that moved the attempt to a cheaper deployment is why this attempt goes there.
      const reason: FallbackReason = admission.deployment !== deployment ? 'budget_downgrade' : fallbackReason;
      const race = route.config.hedge ? new HedgeRace() : null;
      tried.add(admission.deployment);
      const launched = [this.launch(run, admission.deployment, attemptNo, reason, admission.admission, race, 0)];
      const hedge = race ? await this.hedgeAfterDelay(run, race, launched[0]!, order, cursor, attemptNo) : null;
      if (hedge) {
        launched.push(hedge.attempt);
        tried.add(order[(hedge.cursor - 1) % order.length]!);
        cursor = hedge.cursor;
        attemptNo++;
      }
      const attempts = await Promise.all(launched);

      const winner = attempts.find((a) => a.outcome.ok);
      if (winner?.outcome.ok) {
        for (const a of attempts) if (a !== winner) this.finishUnsuccessful(run, a, race, false, false);
        const { result } = winner.outcome;
        // A stream the client left after commit: cancelled, charged its input and the output it got.
        const clientLeft = Boolean(result.failedAfterCommit) && ctx.signal.aborted;
        const billedInput = result.usage.inputTokens + result.usage.cachedInputTokens + result.usage.cacheWriteTokens;
        const usage = clientLeft && billedInput === 0 ? { ...result.usage, inputTokens: prompt() } : result.usage;
        winner.settle(usage);
        this.memory.recordSuccess(route, winner.facts.deployment, result.ttftMs ?? this.clock.now() - winner.facts.startedAtMs, ctx.conversationId);
        const store = route.config.store_content;
        const content = store
          ? storedContent(
              request,
              result.completionText ?? '',
              store,
              route.deployments.map((d) => d.target.apiKey),
            )
          : null;
        this.recorder.emit(
          {
            ...winner.facts,
            isFinal: true,
            endedAtMs: this.clock.now(),
            ttftMs: result.ttftMs,
            responseModel: result.responseModel,
            usage,
            usageEstimated: result.usageEstimated ?? false,
            failure: clientLeft ? 'cancelled' : (result.failedAfterCommit ?? null),
            finishReason: result.finishReason ?? null,
            providerFields: result.providerFields ?? {},
            content,
            parity: result.parity,
          },
          winner.span,
        );
        return result.value;
      }
      const only = attempts.length === 1 ? attempts[0]! : null;
      if (only && !only.outcome.ok && only.outcome.error instanceof CircuitOpenError && raced++ < order.length) {
        // Another request holds the half-open probe: try the next deployment, no call was made.
        only.settle(ZERO_USAGE);
        only.span.end();
        attemptNo--;
        continue;
      }
      if (ctx.signal.aborted) {
        attempts.forEach((a, i) => this.finishUnsuccessful(run, a, race, true, i === attempts.length - 1));
        throw cancelledError();
      }
      // Every attempt of this step failed: all but the last are settled here, the last decides what next.
      const last = attempts[attempts.length - 1]!;
      for (const a of attempts.slice(0, -1)) {
        const failed = this.finishUnsuccessful(run, a, race, false, false);
        if (failed) failures.push(failed);
      }
      const failure = classifyAttemptFailure(last.outcome.ok ? null : last.outcome.error);
      last.settle(ZERO_USAGE);
      if (failure instanceof InternalError) {
        this.recorder.emit(
          { ...last.facts, isFinal: true, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure: 'internal_error' },
          last.span,
        );
        throw internalFailure(failure);
      }
      if (failure.kind === 'rate_limited' && failure.retryAfterMs) this.availability.noteRetryAfter(last.facts.deployment, failure.retryAfterMs);
      const step: FailoverStep = planFailover(
        { route, retry, deadlineMs: run.deadlineMs, availability: this.availability, random: this.random, now: this.clock.now() },
        failure,
        order,
        cursor,
        tried,
        attemptNo,
        last.facts.deployment,
      );
      // The budget is consulted last, so only retries that would really happen spend it; moving
      // to a deployment that can cure what this one could not is not a retry.
      const budgetLeft = step.mayContinue && (step.scope === 'untried' || this.retryBudget.tryAcquire(this.clock.now()));
      this.recorder.emit(
        { ...last.facts, isFinal: !budgetLeft, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage: ZERO_USAGE, failure },
        last.span,
      );
      failures.push({ deployment: last.facts.deployment.config.name, error: failure });
      if (!budgetLeft) {
        if (failures.every((f) => failoverScope(f.error, route.config) !== 'any')) throw DispatchError.fromClientError(failure);
        throw allAttemptsFailed(failures, step.mayContinue ? 'retry budget exhausted' : undefined, this.availability.soonestRetryMs(route, order));
      }
      fallbackReason = fallbackReasonFor(failure);
      untriedOnly = step.scope === 'untried';
      planned = step.next ? { index: step.next.index, waitMs: 0 } : null;
      const next = order[(step.next?.index ?? cursor) % order.length]!;
      requestSpan.addEvent('fallback', { 'switchyard.fallback_reason': fallbackReason, 'switchyard.next_deployment': next.config.name });
      await sleepUnlessAborted(step.delayMs, ctx.signal);
      ctx.timing?.backedOff(step.delayMs);
    }
  }

  /**
   * Reserves budget for an attempt (possibly moving it to a cheaper deployment). A refusal is
   * recorded and thrown when `mustRun`; for a hedge it just means no hedge (null).
   */
  private async admit<T>(
    run: RequestRun<T>,
    choices: Deployment[],
    attemptNo: number,
    fallbackReason: FallbackReason,
    mustRun: true,
  ): Promise<{ deployment: Deployment; admission: Admission<Deployment> | null }>;
  private async admit<T>(
    run: RequestRun<T>,
    choices: Deployment[],
    attemptNo: number,
    fallbackReason: FallbackReason,
    mustRun: false,
  ): Promise<{ deployment: Deployment; admission: Admission<Deployment> | null } | null>;
  private async admit<T>(
    run: RequestRun<T>,
    choices: Deployment[],
    attemptNo: number,
    fallbackReason: FallbackReason,
    mustRun: boolean,
  ): Promise<{ deployment: Deployment; admission: Admission<Deployment> | null } | null> {
    if (!run.budgets) return { deployment: choices[0]!, admission: null };
    const maxTokens = run.request.max_tokens!;
    const priced = choices.map((d) => ({ deployment: d, worstCaseNano: worstCaseNano(run.prompt(), maxTokens, d.price) }));
    try {
      const admission = await run.budgets.gate.admit(run.ctx.tags, mustRun ? priced : priced.slice(0, 1), run.ctx.signal, run.deadlineMs);
      // A soft-throttle wait is deliberate, like backoff: not the shim's overhead.
      run.ctx.timing?.backedOff(admission.budget.delay_ms);
      return { deployment: admission.deployment, admission };
    } catch (err) {
      if (!(err instanceof BudgetRejected)) throw cancelledError();
      if (!mustRun) return null;
      this.emitRefusal(run, unblamed(choices[0]!), attemptNo, fallbackReason, 'budget_exhausted', err.budget);
      throw budgetRejection(err);
    }
  }

  /** Starts one attempt; the promise never rejects: failures come back as the outcome. */
  private launch<T>(
    run: RequestRun<T>,
    deployment: Deployment,
    attemptNo: number,
    fallbackReason: FallbackReason,
    admission: Admission<Deployment> | null,
    race: HedgeRace | null,
    raceId: number,
  ): Promise<LaunchedAttempt<T>> {
    const startedAtMs = this.clock.now();
    const facts = {
      context: run.ctx,
      route: run.route.config.name,
      requestedModel: run.request.model,
      deployment,
      attemptNo,
      isStream: run.request.stream,
      startedAtMs,
      fallbackReason,
      tier: run.tier ? deployment.config.tier : '',
      ...(admission ? { budget: admission.budget } : {}),
    };
    const settle = (usage: Usage) => {
      if (admission) run.budgets!.gate.settle(admission.reservation, actualNano(usage, deployment.price));
    };
    const span = this.recorder.startSpan(run.requestSpan, deployment, run.request, attemptNo);
    const timeoutMs = Math.min(run.retry.attempt_timeout_ms, run.deadlineMs - startedAtMs);
    run.ctx.timing?.attemptStarted();
    const attempt = this.breakers.run(breakerKey(run.route, deployment), () =>
      this.withAttemptSignal(run.ctx.signal, timeoutMs, race, raceId, (control) => run.execute(deployment, control)),
    );
    return attempt
      .then(
        (result): LaunchedAttempt<T> => ({ facts, span, settle, raceId, outcome: { ok: true, result } }),
        (error: unknown): LaunchedAttempt<T> => ({ facts, span, settle, raceId, outcome: { ok: false, error } }),
      )
      .finally(() => run.ctx.timing?.attemptEnded());
  }

  /**
   * Waits for the first attempt up to the hedge delay; if it has neither answered nor failed by
   * then, starts a twin on the next available deployment (budget permitting).
   */
  private async hedgeAfterDelay<T>(
    run: RequestRun<T>,
    race: HedgeRace,
    first: Promise<LaunchedAttempt<T>>,
    order: Deployment[],
    cursor: number,
    attemptNo: number,
  ): Promise<{ attempt: Promise<LaunchedAttempt<T>>; cursor: number } | null> {
    const stopTimer = new AbortController();
    const timer = sleepUnlessAborted(this.memory.hedgeDelayMs(run.route), AbortSignal.any([run.ctx.signal, stopTimer.signal])).then(() => 'timer' as const);
    const winner = await Promise.race([first.then(() => 'first' as const), timer]);
    stopTimer.abort();
    if (winner === 'first' || race.decided || run.ctx.signal.aborted) return null;
    const index = this.availability.next(run.route, order, cursor, 0)?.index ?? null;
    const deployment = index === null ? null : order[index % order.length]!;
    if (index === null || !deployment || deployment === order[(cursor - 1) % order.length]) return null;
    const admitted = await this.admit(run, [deployment], attemptNo + 1, 'hedge', false);
    if (!admitted || race.decided) {
      if (admitted?.admission) run.budgets!.gate.settle(admitted.admission.reservation, 0);
      return null;
    }
    run.requestSpan.addEvent('hedge', { 'switchyard.next_deployment': deployment.config.name });
    // The twin exists because the first attempt was slow, not because it failed: its own reason, `hedge`.
    return { attempt: this.launch(run, deployment, attemptNo + 1, 'hedge', admitted.admission, race, 1), cursor: index + 1 };
  }

  /**
   * Records an attempt that did not produce the answer: a hedge loser or one cut off by the
   * client (both charged their input: the provider read the prompt), or a failure. Returns the
   * failure for the 503 summary, if it was one.
   */
  private finishUnsuccessful<T>(
    run: RequestRun<T>,
    a: LaunchedAttempt<T>,
    race: HedgeRace | null,
    clientGone: boolean,
    isFinal: boolean,
  ): { deployment: string; error: ProviderError } | null {
    const refusal: AttemptRefusal | null = race?.lost(a.raceId) ? 'hedge_lost' : clientGone ? 'cancelled' : null;
    if (refusal) {
      const usage = inputOnlyUsage(run.prompt());
      a.settle(usage);
      this.recorder.emit({ ...a.facts, isFinal, endedAtMs: this.clock.now(), ttftMs: null, responseModel: null, usage, failure: refusal }, a.span);
      return null;
    }
    const error = classifyAttemptFailure(a.outcome.ok ? null : a.outcome.error);
    a.settle(ZERO_USAGE);
    this.recorder.emit(
      {
        ...a.facts,
        isFinal,
        endedAtMs: this.clock.now(),
        ttftMs: null,
        responseModel: null,
        usage: ZERO_USAGE,
        failure: error instanceof InternalError ? 'internal_error' : error,
      },
      a.span,
    );
    return error instanceof InternalError ? null : { deployment: a.facts.deployment.config.name, error };
  }

  /** An attempt that made no call (every circuit open, or the budget refused): recorded as `rejected`. */
  private emitRefusal<T>(
    run: RequestRun<T>,
    deployment: Deployment,
    attemptNo: number,
    fallbackReason: FallbackReason,
    failure: 'circuit_open' | 'budget_exhausted' | 'rate_limit_cooldown',
    budget?: AttemptBudget,
  ): void {
    const now = this.clock.now();
    const span = this.recorder.startSpan(run.requestSpan, deployment, run.request, attemptNo);
    this.recorder.emit(
      {
        context: run.ctx,
        route: run.route.config.name,
        requestedModel: run.request.model,
        deployment,
        attemptNo,
        isStream: run.request.stream,
        startedAtMs: now,
        fallbackReason,
        isFinal: true,
        endedAtMs: now,
        ttftMs: null,
        responseModel: null,
        usage: ZERO_USAGE,
        failure,
        ...(budget ? { budget } : {}),
      },
      span,
    );
  }

  /**
   * Aborts the attempt on client disconnect, or on timeout until the response is committed. In a
   * hedge race, committing claims the win (a loser's commit throws) and aborts the twin.
   */
  private async withAttemptSignal<T>(
    clientSignal: AbortSignal,
    timeoutMs: number,
    race: HedgeRace | null,
    raceId: number,
    fn: (control: AttemptControl) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    race?.join(raceId, controller);
    const onClientAbort = () => controller.abort(clientSignal.reason);
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException('attempt timed out', 'TimeoutError')), Math.max(1, timeoutMs));
    const commit = () => {
      clearTimeout(timer);
      if (race && !race.claim(raceId)) throw new HedgeLostError();
    };
    try {
      const value = await fn({ signal: controller.signal, commit });
      commit();
      return value;
    } finally {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', onClientAbort);
    }
  }
}

const cancelledError = () => new DispatchError(499, 'cancelled', 'client closed the request', 'cancelled');

/** Everything one request's attempts share. */
interface RequestRun<T> {
  route: Route;
  request: ChatRequest;
  ctx: RequestContext;
  execute: AttemptExecutor<T>;
  requestSpan: Span;
  retry: RetryConfig;
  tier: Tier | null;
  prompt: () => number;
  budgets: Budgets | null;
  deadlineMs: number;
}

interface LaunchedAttempt<T> {
  facts: Omit<AttemptFacts, 'isFinal' | 'endedAtMs' | 'ttftMs' | 'responseModel' | 'usage' | 'failure'>;
  span: Span;
  settle(usage: Usage): void;
  raceId: number;
  outcome: { ok: true; result: AttemptResult<T> } | { ok: false; error: unknown };
}
