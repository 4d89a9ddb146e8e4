import { systemClock, type Clock } from '../../core/clock.ts';
import { ProviderError } from '../providers/provider.ts';
import { SamplingCircuit, type BreakerPolicy, type BreakerState, type CallOutcome } from './sampling-circuit.ts';

export type { BreakerPolicy, BreakerState } from './sampling-circuit.ts';

/** Server errors, overload, timeouts and network failures count; 429s and request errors say nothing about health. */
function outcomeOf(err: unknown): CallOutcome {
  return err instanceof ProviderError && (err.kind === 'server' || err.kind === 'overloaded' || err.kind === 'timeout' || err.kind === 'network')
    ? 'failure'
    : 'neutral';
}

/**
 * One circuit breaker per deployment, all on the injected clock. An open circuit takes its
 * deployment out of rotation until it has cooled down; then one call probes it, and its result
 * closes or reopens the circuit. The state machine itself is `SamplingCircuit` (pure).
 */
export class DeploymentBreakers {
  private readonly circuits = new Map<string, SamplingCircuit>();
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
    return this.circuits.get(deployment)?.coolingDown(this.clock.now()) ?? false;
  }

  state(deployment: string): BreakerState {
    return this.circuits.get(deployment)?.current ?? 'closed';
  }

  /** Runs one attempt through the deployment's breaker; rejects with CircuitOpenError when it may not run. */
  async run<T>(deployment: string, attempt: () => Promise<T>): Promise<T> {
    const circuit = this.circuit(deployment);
    const admission = circuit.admit(this.clock.now());
    if (admission === 'reject') throw new CircuitOpenError(deployment);
    if (admission === 'probe') this.onChange(deployment, 'half_open');
    let outcome: CallOutcome = 'success';
    try {
      return await attempt();
    } catch (err) {
      outcome = outcomeOf(err);
      throw err;
    } finally {
      const changed = circuit.record(admission, outcome, this.clock.now());
      if (changed) this.onChange(deployment, changed);
    }
  }

  private circuit(deployment: string): SamplingCircuit {
    let circuit = this.circuits.get(deployment);
    if (!circuit) {
      circuit = new SamplingCircuit(this.policy);
      this.circuits.set(deployment, circuit);
    }
    return circuit;
  }
}

/** The deployment's circuit is open (or its single half-open probe is already out). */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(readonly deployment: string) {
    super(`circuit open for deployment ${deployment}`);
  }
}
