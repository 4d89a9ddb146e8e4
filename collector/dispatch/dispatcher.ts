import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { Budgets } from '../budget/budget-gate.ts';
import { countPromptTokens } from '../budget/prompt-tokens.ts';
import type { BudgetsConfig, RetryConfig } from '../config/routes-config.ts';
import type { ChatRequest } from '../providers/provider.ts';
import type { BreakerState } from '../resilience/deployment-breakers.ts';
import type { RoutingWeights } from '../routing/routing-weights.ts';
import { boundedRequest } from './admission.ts';
import type { AttemptExecutor } from './attempt-executor.ts';
import { createDispatchServices, type DispatchServicesOptions } from './dispatch-services.ts';
import { runAttempts } from './attempt-loop.ts';
import { orderDeployments } from './deployment-order.ts';
import { DispatchError } from './dispatch-error.ts';
import type { RequestContext } from './request-context.ts';
import type { DispatchServices, RequestRun } from './request-run.ts';
import type { Deployment, Route } from './route-table.ts';

export type { AttemptControl, AttemptExecutor, AttemptResult } from './attempt-executor.ts';

export interface DispatcherOptions extends DispatchServicesOptions {
  routes: Map<string, Route>;
  weights: RoutingWeights;
  retry: RetryConfig;
  /** Spend limits checked before every attempt; absent means no budgets. */
  budgets?: Budgets;
  clock?: Clock;
  random?: () => number;
  tracer?: Tracer;
}

/**
 * Runs one request through its route: deployments ordered (deployment-order.ts), then rounds of
 * attempts (attempt-loop.ts) with budgets, hedging and failover; one attempt event per attempt.
 * Holds what outlives a request — breakers, Retry-After cooldowns, the retry budget, learned
 * latencies — and the route table a config reload swaps. Never changes the caller's request.
 */
export class Dispatcher {
  private readonly tracer: Tracer;
  private readonly services: DispatchServices;
  private routes: Map<string, Route>;
  private retry: RetryConfig;
  private readonly budgets: Budgets | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.tracer = options.tracer ?? trace.getTracer('switchyard-collector');
    this.routes = options.routes;
    this.retry = options.retry;
    this.budgets = options.budgets;
    this.services = createDispatchServices({ ...options, clock: options.clock ?? systemClock, random: options.random ?? Math.random, tracer: this.tracer });
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
    return this.services.breakers.state(`${route}/${deployment}`);
  }

  /** A route's config, for layers above dispatch (degradation); undefined for unknown models. */
  routeConfig(name: string): Route['config'] | undefined {
    return this.routes.get(name)?.config;
  }

  /** A route's deployment by name (parity's shadow traffic); undefined when unknown. */
  deployment(route: string, name: string): Deployment | undefined {
    return this.routes.get(route)?.deployments.find((d) => d.config.name === name);
  }

  /** The request as its attempts send it (see boundedRequest): what a shadow copy of it sends too. */
  dispatchedRequest(request: ChatRequest, ctx: RequestContext): ChatRequest {
    return boundedRequest(request, this.budgetsFor(ctx));
  }

  routeNames(): string[] {
    return [...this.routes.keys()];
  }

  /**
   * Serves `request` with `execute` doing each attempt's wire work; resolves to the answering
   * attempt's value. Throws DispatchError in the client's terms (404 unknown model, 400, 429, 499, 503, 500).
   */
  async run<T>(request: ChatRequest, ctx: RequestContext, execute: AttemptExecutor<T>): Promise<T> {
    const route = this.routes.get(request.model);
    if (!route) throw DispatchError.unknownModel(request.model, this.routeNames());
    const span = this.tracer.startSpan(`chat ${request.model}`, {
      kind: SpanKind.SERVER,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': request.model, 'switchyard.request_id': ctx.requestId },
    });
    try {
      return await runAttempts(this.services, this.startRun(route, request, ctx, execute, span));
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', err instanceof DispatchError ? (err.code ?? err.type) : 'internal');
      throw err;
    } finally {
      span.end();
    }
  }

  /** What the request's attempts share, fixed now: a reload swaps settings for later requests, never under a running one. */
  private startRun<T>(
    route: Route,
    request: ChatRequest,
    ctx: RequestContext,
    execute: AttemptExecutor<T>,
    requestSpan: RequestRun<T>['requestSpan'],
  ): RequestRun<T> {
    const retry = this.retry;
    const prompt = lazyPromptTokens(request);
    const { order, tier } = orderDeployments(route, request, ctx, prompt, { weights: this.options.weights, ...this.services });
    const budgets = this.budgetsFor(ctx);
    const deadlineMs = this.services.clock.now() + retry.request_timeout_ms;
    return { route, request: boundedRequest(request, budgets), ctx, execute, requestSpan, retry, tier, order, prompt, budgets, deadlineMs };
  }

  private budgetsFor(ctx: RequestContext): Budgets | null {
    return this.budgets?.gate.applies(ctx.tags) ? this.budgets : null;
  }
}

/**
 * The prompt's token count, counted on first use only. A returned arrow rather than a named local
 * closure: tsx (esbuild keepNames) renames every named closure each time it is created, ~1 µs apiece.
 */
function lazyPromptTokens(request: ChatRequest): () => number {
  let promptTokens: number | null = null;
  return () => (promptTokens ??= countPromptTokens(request));
}
