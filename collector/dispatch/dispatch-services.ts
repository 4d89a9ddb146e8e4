import type { Tracer } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { AttemptPublisher } from '../../core/transport/event-bus.ts';
import type { CircuitBreakerConfig, RetryBudgetConfig } from '../config/routes-config.ts';
import { DeploymentBreakers, type BreakerState } from '../resilience/deployment-breakers.ts';
import { RetryBudget } from '../resilience/retry-budget.ts';
import type { AfterAnswer } from './after-answer.ts';
import { AttemptRecorder } from './attempt-recorder.ts';
import { DeploymentAvailability } from './deployment-availability.ts';
import { RateLimitCooldowns } from './rate-limit-cooldowns.ts';
import type { DispatchServices } from './request-run.ts';
import { RouteMemory } from './route-memory.ts';

const DEFAULT_RETRY_BUDGET: RetryBudgetConfig = { ratio: 0.2, min_per_window: 100, window_ms: 10_000 };
const DEFAULT_BREAKER: CircuitBreakerConfig = { failure_threshold: 0.5, window_ms: 10_000, minimum_rps: 1, half_open_after_ms: 5000 };

/** The routes file's resilience settings and the hooks told about circuits and attempts. */
export interface DispatchServicesOptions {
  publisher: AttemptPublisher;
  retryBudget?: RetryBudgetConfig;
  circuitBreaker?: CircuitBreakerConfig;
  /** Told when a deployment's circuit opens, probes or closes. */
  onCircuitChange?: (deployment: string, state: BreakerState) => void;
  /** Told about every attempt event, after it was published (metrics). */
  onAttempt?: (event: AttemptEvent) => void;
  /** Where attempt events are built and published once the answer is out; unset: before dispatch returns. */
  afterAnswer?: AfterAnswer;
}

/**
 * Builds what outlives a request and every request's attempts share: circuit breakers (on the
 * injected clock), Retry-After cooldowns, the retry budget, learned latencies and sticky
 * deployments, and the recorder that publishes attempt events. Settings absent from the routes
 * file take the defaults above.
 */
export function createDispatchServices(o: DispatchServicesOptions & { clock: Clock; random: () => number; tracer: Tracer }): DispatchServices {
  const budget = o.retryBudget ?? DEFAULT_RETRY_BUDGET;
  const cb = o.circuitBreaker ?? DEFAULT_BREAKER;
  const breakers = new DeploymentBreakers(
    { failureThreshold: cb.failure_threshold, windowMs: cb.window_ms, minimumRps: cb.minimum_rps, halfOpenAfterMs: cb.half_open_after_ms },
    o.onCircuitChange,
    o.clock,
  );
  return {
    clock: o.clock,
    random: o.random,
    recorder: new AttemptRecorder(o.tracer, o.publisher, o.onAttempt, o.afterAnswer),
    breakers,
    availability: new DeploymentAvailability(breakers, new RateLimitCooldowns(o.clock)),
    memory: new RouteMemory(o.clock),
    retryBudget: new RetryBudget({ ratio: budget.ratio, minPerWindow: budget.min_per_window, windowMs: budget.window_ms }),
  };
}
