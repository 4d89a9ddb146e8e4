import type { Tracer } from '@opentelemetry/api';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import { createBudgets, type Budgets } from '../budget/budget-gate.ts';
import type { RoutesConfig } from '../config/routes-config.ts';
import type { ParityHooks } from '../parity/parity-hooks.ts';
import type { BreakerState } from '../resilience/deployment-breakers.ts';
import { RoutingWeights } from '../routing/routing-weights.ts';
import type { AfterAnswer } from './after-answer.ts';
import { ChatService } from './chat-service.ts';
import { Dispatcher } from './dispatcher.ts';
import type { Route } from './route-table.ts';

/** What dispatch is composed from: the routes file, its resolved route table, and the I/O the caller chose. */
export interface DispatchCompositionOptions {
  config: RoutesConfig;
  /** `buildRouteTable(config, …)`: built by the caller, who chooses the provider connection pool. */
  routes: Map<string, Route>;
  publisher: AttemptPublisher;
  /** Policy weights kept current by the caller (a poller); default: the configured weights only. */
  weights?: RoutingWeights;
  /** Budgets built by the caller (e.g. with calendar leases); default: the routes file's, without leases. */
  budgets?: Budgets;
  /** Contract checks and shadow traffic; default: checks only. */
  parity?: ParityHooks;
  onAttempt?: (event: AttemptEvent) => void;
  /** Attempt events built and published after the answer (the HTTP collector); default: before dispatch returns. */
  afterAnswer?: AfterAnswer;
  onCircuitChange?: (deployment: string, state: BreakerState) => void;
  clock?: Clock;
  tracer?: Tracer;
}

/**
 * The one composition of dispatch, used by the HTTP collector (cli/pipeline.ts) and the
 * in-process library (collector/library.ts): the Dispatcher with the routes file's retry, retry
 * budget, circuit breaker and budgets, and the ChatService over it that the faces call.
 */
export function composeDispatch(o: DispatchCompositionOptions): { dispatcher: Dispatcher; chat: ChatService } {
  const clock = o.clock ?? systemClock;
  const dispatcher = new Dispatcher({
    routes: o.routes,
    weights: o.weights ?? new RoutingWeights(),
    retry: o.config.retry,
    retryBudget: o.config.retry_budget,
    circuitBreaker: o.config.circuit_breaker,
    publisher: o.publisher,
    budgets: o.budgets ?? createBudgets(o.config.budgets, clock),
    clock,
    onAttempt: o.onAttempt,
    afterAnswer: o.afterAnswer,
    onCircuitChange: o.onCircuitChange,
    tracer: o.tracer,
  });
  return { dispatcher, chat: new ChatService(dispatcher, clock, o.parity) };
}
