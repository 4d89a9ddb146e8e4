/** When a circuit opens and how long it cools down; times in ms, rates per second. */
export interface BreakerPolicy {
  /** Share of failed calls in the window that opens the circuit, 0..1 (exclusive). */
  failureThreshold: number;
  windowMs: number;
  /** Below this call rate the window says too little to open the circuit. */
  minimumRps: number;
  /** How long an open circuit cools down before one probe is let through, ms. */
  halfOpenAfterMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** How a call ended for the circuit: `neutral` results (429s, request errors) say nothing about health. */
export type CallOutcome = 'success' | 'failure' | 'neutral';

/** `run`: a normal call; `probe`: the one call of a half-open circuit; `reject`: no call may be made. */
export type Admission = 'run' | 'probe' | 'reject';

interface Bucket {
  startedAt: number;
  failures: number;
  successes: number;
}

/**
 * A sampling circuit breaker as a pure state machine: `now` comes in with every call, so tests
 * drive it with a fake clock and it never reads the wall clock. The semantics follow the
 * sampling breaker we used before (cockatiel's): the window is cut into at least 5 buckets of at
 * most 1 s; the circuit opens when, with at least `minimumRps × window` calls in the window,
 * failures exceed `failureThreshold` of them. An open circuit rejects calls for
 * `halfOpenAfterMs`, then admits exactly one probe (others are rejected while it is out): a
 * success closes it with a fresh window, a failure reopens it, a neutral result closes it.
 * Unlike cockatiel, buckets older than the window are expired by time, not one per call.
 */
export class SamplingCircuit {
  private state: BreakerState = 'closed';
  private openedAt = 0;
  private probing = false;
  private buckets: Bucket[] = [];
  private readonly bucketMs: number;
  private readonly windowMs: number;

  constructor(private readonly policy: BreakerPolicy) {
    if (!(policy.failureThreshold > 0 && policy.failureThreshold < 1))
      throw new RangeError(`failureThreshold must be between 0 and 1 (exclusive), got ${policy.failureThreshold}`);
    const count = Math.max(5, Math.ceil(policy.windowMs / 1000));
    this.bucketMs = Math.max(1, Math.round(policy.windowMs / count));
    this.windowMs = this.bucketMs * count;
  }

  get current(): BreakerState {
    return this.state;
  }

  /** True while the circuit is open and still cooling down at `now`. */
  coolingDown(now: number): boolean {
    return this.state === 'open' && now - this.openedAt < this.policy.halfOpenAfterMs;
  }

  /** Whether a call may start at `now`; a `probe` moves an open circuit to half-open. */
  admit(now: number): Admission {
    if (this.state === 'closed') return 'run';
    if (this.state === 'half_open' || this.coolingDown(now)) return 'reject';
    this.state = 'half_open';
    this.probing = true;
    return 'probe';
  }

  /** Records how an admitted call ended at `now`; returns the new state when it changed, else null. */
  record(admission: Exclude<Admission, 'reject'>, outcome: CallOutcome, now: number): BreakerState | null {
    if (admission === 'probe') return this.settleProbe(outcome, now);
    if (outcome === 'neutral') return null;
    this.push(outcome === 'success', now);
    if (outcome === 'success' || this.state !== 'closed' || !this.shouldOpen()) return null;
    return this.open(now);
  }

  private settleProbe(outcome: CallOutcome, now: number): BreakerState | null {
    if (!this.probing) return null;
    this.probing = false;
    if (outcome === 'failure') {
      this.push(false, now);
      return this.open(now);
    }
    if (outcome === 'success') {
      this.buckets = [];
      this.push(true, now);
    }
    this.state = 'closed';
    return 'closed';
  }

  private open(now: number): BreakerState {
    this.state = 'open';
    this.openedAt = now;
    return 'open';
  }

  private shouldOpen(): boolean {
    let failures = 0;
    let total = 0;
    for (const b of this.buckets) {
      failures += b.failures;
      total += b.failures + b.successes;
    }
    // total / window < minimumRps (per second) means too few calls to judge.
    if (total < (this.windowMs * this.policy.minimumRps) / 1000) return false;
    return failures > this.policy.failureThreshold * total;
  }

  private push(success: boolean, now: number): void {
    this.buckets = this.buckets.filter((b) => now - b.startedAt < this.windowMs);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || now - bucket.startedAt >= this.bucketMs) {
      bucket = { startedAt: now, failures: 0, successes: 0 };
      this.buckets.push(bucket);
    }
    if (success) bucket.successes++;
    else bucket.failures++;
  }
}
