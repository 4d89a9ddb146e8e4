import type { Meter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import { FAIL_OPEN_AFTER_MS, type LeaseLedger } from './lease-ledger.ts';
import { LeaseRenewalUndelivered, type LeaseSource } from './lease-protocol.ts';
import { observeRoundTrip, renewalBoundMs, type RoundTrip } from './renew-ahead.ts';

export interface LeaseClientOptions {
  /** Stable across restarts (SWITCHYARD_COLLECTOR_ID), so a restarted collector gets its spend back. */
  collectorId: string;
  ledger: LeaseLedger;
  source: LeaseSource;
  clock: Clock;
  /** Renewal interval, ms (default 2000). */
  renewMs?: number;
  /** Per-renewal timeout, ms (default 3000). */
  timeoutMs?: number;
  /**
   * Failures before the grantor's first answer are logged only once they outlast this, ms from
   * construction (default 15000, the fail-open delay): `switchyard all` starts serving before its
   * API (the grantor) listens, so the first renewals are refused on every healthy start.
   */
  startGraceMs?: number;
  meter?: Meter;
  log: (message: string) => void;
}

/**
 * Keeps this collector's leases fresh: every `renewMs`, ahead of need when a lease falls to its
 * low-water mark (`renewSoon`, in the background), and when a request found its lease short
 * (one renewal in flight at a time). A failed renewal keeps the current leases — hard budgets
 * then spend only what is already leased (fail closed).
 */
export class LeaseClient {
  private readonly loop: PeriodicTask;
  private inFlight: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;
  private lastRenewMs: number;
  /** A failure was logged ("unreachable"); the next answer logs "reachable again". */
  private reportedDown = false;
  private answered = false;
  private readonly startedAt: number;
  private backgroundScheduled = false;
  /** Measured round trips of renewals (a timed-out one counts as its timeout). */
  private roundTrip: RoundTrip | null = null;
  readonly renewMs: number;

  constructor(private readonly o: LeaseClientOptions) {
    this.renewMs = o.renewMs ?? 2000;
    this.lastRenewMs = o.clock.now();
    this.startedAt = this.lastRenewMs;
    this.loop = new PeriodicTask(() => this.renewSoon(), this.renewMs);
    // Totals per budget id only: subjects come from request headers and never become labels.
    o.meter
      ?.createObservableGauge('switchyard.collector.budget.remaining', { unit: 'USD', description: 'Lease left to spend on this collector, summed per budget' })
      .addCallback((r) => {
        for (const [budget, v] of this.perBudget((s) => s.allowanceNano - s.spentNano - s.reservedNano)) r.observe(v / 1e9, { budget });
      });
    o.meter
      ?.createObservableGauge('switchyard.collector.budget.lease', {
        unit: 'USD',
        description: 'Lease granted to this collector in the period (cumulative allowance), summed per budget',
      })
      .addCallback((r) => {
        for (const [budget, v] of this.perBudget((s) => s.allowanceNano)) r.observe(v / 1e9, { budget });
      });
  }

  start(): void {
    this.loop.start();
  }

  /**
   * Stops renewing and hands the unspent leases back with the final spend (one last renewal, after
   * any in flight). Call it once requests have drained. When the grantor cannot be reached the
   * leases stay as they were, counted as granted until the period ends (fail closed).
   */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.inFlight;
    const reports = this.o.ledger.finalReports(this.o.clock.now());
    if (reports.length === 0) return;
    try {
      await this.o.source.renew(this.o.collectorId, reports, AbortSignal.timeout(this.o.timeoutMs ?? 3000));
    } catch (err) {
      this.o.log(`collector: could not hand budget leases back at shutdown (${(err as Error).message}); they count as granted until the period ends`);
    }
  }

  /**
   * A renewal ahead of need, in the background: starts one unless one is already out (whose
   * answer brings a fresh lease anyway). True when the grantor answered.
   */
  renewSoon(): Promise<boolean> {
    return this.inFlight ?? this.renewNow();
  }

  /**
   * `renewSoon` from the request path: the renewal starts on the next turn of the event loop, so
   * building and sending it (reports, JSON, the HTTP request) is not part of the request's budget
   * check. Several calls before then start one renewal.
   */
  renewInBackground(): void {
    if (this.inFlight || this.backgroundScheduled) return;
    this.backgroundScheduled = true;
    setImmediate(() => {
      this.backgroundScheduled = false;
      void this.renewSoon();
    });
  }

  /** A renewal is out. */
  get renewing(): boolean {
    return this.inFlight !== null;
  }

  /**
   * A renewal that starts from now: the one in flight may predate the caller's demand, so a
   * caller arriving during it gets the next one (at most one queued, shared by all who wait).
   * True when the grantor answered.
   */
  renewNow(): Promise<boolean> {
    if (!this.inFlight) {
      this.inFlight = this.renewOnce().finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    this.queued ??= this.inFlight.then(() => {
      this.queued = null;
      return this.renewNow();
    });
    return this.queued;
  }

  private async renewOnce(): Promise<boolean> {
    const now = this.o.clock.now();
    // Leases and low-water marks are sized on how long renewals take: on a loaded grantor the
    // answer takes seconds, and a lease sized on the interval alone ran dry while it was out.
    const reports = this.o.ledger.reports(now, this.renewMs, Math.max(1, now - this.lastRenewMs), renewalBoundMs(this.roundTrip));
    this.lastRenewMs = now;
    const timeoutMs = this.o.timeoutMs ?? 3000;
    const sent = performance.now();
    const took = () => (this.roundTrip = observeRoundTrip(this.roundTrip, Math.min(timeoutMs, performance.now() - sent)));
    try {
      const answer = await this.o.source.renew(this.o.collectorId, reports, AbortSignal.timeout(timeoutMs));
      took();
      this.o.ledger.setBudgets(answer.budgets);
      this.o.ledger.applyGrants(answer.leases, this.o.clock.now());
      if (this.reportedDown) this.o.log('collector: budget grantor reachable again');
      this.reportedDown = false;
      this.answered = true;
      return true;
    } catch (err) {
      took();
      if (err instanceof LeaseRenewalUndelivered) this.o.ledger.renewalNotDelivered();
      const starting = !this.answered && this.o.clock.now() - this.startedAt < (this.o.startGraceMs ?? FAIL_OPEN_AFTER_MS);
      if (!this.reportedDown && !starting) {
        const since = this.answered ? '' : ' since start';
        // The source's message says what happened ("budget grantor unreachable (ECONNREFUSED)", "… refused: …", an HTTP status).
        this.o.log(`collector: budget lease renewal failing${since}: ${(err as Error).message}; hard budgets spend only their current leases`);
        this.reportedDown = true;
      }
      return false;
    }
  }

  private perBudget(value: (s: ReturnType<LeaseLedger['snapshot']>[number]) => number): Map<string, number> {
    const totals = new Map<string, number>();
    for (const s of this.o.ledger.snapshot()) totals.set(s.budget.id, (totals.get(s.budget.id) ?? 0) + Math.max(0, value(s)));
    return totals;
  }
}
