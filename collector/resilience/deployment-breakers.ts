import { BrokenCircuitError, CircuitState, SamplingBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { systemClock, type Clock } from '../../core/clock.ts';
import { ProviderError } from '../providers/provider.ts';

export interface BreakerPolicy {
  /** Share of failed calls in the window that opens the circuit, 0..1. */
  failureThreshold: number;
  windowMs: number;
  /** Below this call rate the window says too little to open the circuit. */
  minimumRps: number;
  /** How long an open circuit cools down before one probe is let through, ms. */
  halfOpenAfterMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Server errors, overload, timeouts and network failures count; 429s and request errors say nothing about health. */
const countsAsFailure = (err: unknown) => err instanceof ProviderError && (err.kind === 'server' || err.kind === 'overloaded' || err.kind === 'timeout' || err.kind === 'network');

/**
 * One circuit breaker per deployment (cockatiel's sampling breaker). An open circuit takes its
 * deployment out of rotation until it has cooled down; then one call probes it, and its result
 * closes or reopens the circuit.
 */
export class DeploymentBreakers {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly openedAt = new Map<string, number>();
  private readonly clock: Clock;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly onChange: (deployment: string, state: BreakerState) => void = () => {},
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
  }

  /** True while the deployment's circuit is open and still cooling down: do not send it traffic. */
  coolingDown(deployment: string): boolean {
    const breaker = this.breakers.get(deployment);
    if (!breaker || breaker.state !== CircuitState.Open) return false;
    return this.clock.now() - (this.openedAt.get(deployment) ?? 0) < this.policy.halfOpenAfterMs;
  }

  state(deployment: string): BreakerState {
    const state = this.breakers.get(deployment)?.state;
    return state === CircuitState.Open || state === CircuitState.Isolated ? 'open' : state === CircuitState.HalfOpen ? 'half_open' : 'closed';
  }

  /** Runs one attempt through the deployment's breaker; rejects with CircuitOpenError when it may not run. */
  async run<T>(deployment: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker(deployment).execute(attempt);
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw new CircuitOpenError(deployment);
      throw err;
    }
  }

  private breaker(deployment: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(deployment);
    if (breaker) return breaker;
    breaker = circuitBreaker(handleWhen(countsAsFailure), {
      halfOpenAfter: this.policy.halfOpenAfterMs,
      breaker: new SamplingBreaker({ threshold: this.policy.failureThreshold, duration: this.policy.windowMs, minimumRps: this.policy.minimumRps }),
    });
    breaker.onBreak(() => {
      this.openedAt.set(deployment, this.clock.now());
      this.onChange(deployment, 'open');
    });
    breaker.onHalfOpen(() => this.onChange(deployment, 'half_open'));
    breaker.onReset(() => this.onChange(deployment, 'closed'));
    this.breakers.set(deployment, breaker);
    return breaker;
  }
}

/** The deployment's circuit is open (or its single half-open probe is already out). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(readonly deployment: string) {
    super(`circuit open for deployment ${deployment}`);
  }
}
