import type { Clock } from '../../core/clock.ts';
import type { BreakerState } from './sampling-circuit.ts';

/** One circuit state change (or, for a circuit still not closed, a heartbeat of its state) to report. */
export interface CircuitTransition {
  route: string;
  deployment: string;
  state: BreakerState;
  /** When the circuit entered (or, for a heartbeat, was still in) the state, ms since epoch. */
  atMs: number;
}

export interface CircuitJournalOptions {
  /** Route names in force (a reload can change them): breaker keys are `route/deployment`. */
  routes: () => readonly string[];
  clock: Clock;
  /**
   * A circuit that is still open or half-open is re-reported this often, ms (default 60 s): the
   * policy ends an open interval that has no report within its grace, so a collector that dies
   * with an open circuit does not count as open forever.
   */
  heartbeatMs?: number;
  /** Unreported transitions kept at most (default 1000); the oldest go first, counted in `dropped`. */
  capacity?: number;
}

/**
 * What the collector's breakers did, waiting to be reported to the policy side (the weights
 * poller sends it). Keeps the current state of every circuit that ever left `closed` so it can
 * heartbeat the ones still not closed. Bounded; takes its time from the injected clock.
 */
export class CircuitJournal {
  private pending: CircuitTransition[] = [];
  private readonly current = new Map<string, { t: CircuitTransition; reportedAtMs: number }>();
  private readonly heartbeatMs: number;
  private readonly capacity: number;
  /** Transitions dropped because the queue was full (the API was away for long). */
  dropped = 0;

  constructor(private readonly options: CircuitJournalOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 60_000;
    this.capacity = options.capacity ?? 1000;
  }

  /** Records a breaker change; `key` is the dispatcher's breaker key `route/deployment`. Unknown routes are ignored. */
  record(key: string, state: BreakerState): void {
    const at = this.split(key);
    if (!at) return;
    const t: CircuitTransition = { ...at, state, atMs: this.options.clock.now() };
    this.enqueue([t]);
    if (state === 'closed') this.current.delete(key);
    else this.current.set(key, { t, reportedAtMs: t.atMs });
  }

  /** Everything to report now: queued transitions plus heartbeats of circuits not closed for `heartbeatMs`. */
  take(): CircuitTransition[] {
    const now = this.options.clock.now();
    for (const entry of this.current.values()) {
      if (now - entry.reportedAtMs < this.heartbeatMs) continue;
      entry.reportedAtMs = now;
      this.enqueue([{ ...entry.t, atMs: now }]);
    }
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Puts back what could not be delivered, ahead of anything recorded since. */
  restore(undelivered: readonly CircuitTransition[]): void {
    const later = this.pending;
    this.pending = [];
    this.enqueue([...undelivered, ...later]);
  }

  private enqueue(ts: readonly CircuitTransition[]): void {
    this.pending.push(...ts);
    const over = this.pending.length - this.capacity;
    if (over > 0) {
      this.pending.splice(0, over);
      this.dropped += over;
    }
  }

  /** The longest configured route name the key starts with: route names may themselves contain '/'. */
  private split(key: string): { route: string; deployment: string } | null {
    let route: string | null = null;
    for (const r of this.options.routes()) if (key.startsWith(`${r}/`) && r.length > (route?.length ?? -1)) route = r;
    return route === null ? null : { route, deployment: key.slice(route.length + 1) };
  }
}
