export interface RetryBudgetPolicy {
  /** Retries allowed as a share of requests in the window, e.g. 0.2. */
  ratio: number;
  /** Retries always allowed per window, so low traffic can still fail over. */
  minPerWindow: number;
  windowMs: number;
}

const BUCKETS = 10;

/**
 * Caps retries at a share of recent traffic, so a provider outage cannot multiply load into a
 * retry storm. Counts live in ten time buckets across the window. Pure: callers pass `nowMs`.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private readonly stamps = new Array<number>(BUCKETS).fill(-1);

  constructor(private readonly policy: RetryBudgetPolicy) {}

  recordRequest(nowMs: number): void {
    this.requests[this.bucket(nowMs)]!++;
  }

  /** Takes one retry from the budget if there is one left. */
  tryAcquire(nowMs: number): boolean {
    const i = this.bucket(nowMs);
    const requests = this.requests.reduce((a, b) => a + b, 0);
    const retries = this.retries.reduce((a, b) => a + b, 0);
    if (retries >= Math.max(this.policy.minPerWindow, Math.floor(this.policy.ratio * requests))) return false;
    this.retries[i]!++;
    return true;
  }

  /** The bucket for `nowMs`, cleared when its slot last served an older span of time. */
  private bucket(nowMs: number): number {
    const span = this.policy.windowMs / BUCKETS;
    const slot = Math.floor(nowMs / span);
    const i = slot % BUCKETS;
    // Buckets older than the window are reset lazily, on their next use or when every slot moved on.
    for (let k = 0; k < BUCKETS; k++) {
      if (this.stamps[k]! >= 0 && slot - this.stamps[k]! >= BUCKETS) {
        this.requests[k] = 0;
        this.retries[k] = 0;
        this.stamps[k] = -1;
      }
    }
    if (this.stamps[i] !== slot) {
      this.requests[i] = 0;
      this.retries[i] = 0;
      this.stamps[i] = slot;
    }
    return i;
  }
}
