import type { Meter } from '@opentelemetry/api';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import { hostname } from 'node:os';
import { appliedWeightSchema } from '../../policy/routing-decision-contract.ts';
import { CircuitJournal, type CircuitTransition } from '../resilience/circuit-journal.ts';
import type { BreakerState } from '../resilience/sampling-circuit.ts';
import type { RoutingWeights, WeightTable } from './routing-weights.ts';

/** Every route's weights in one call; only what the collector applies is asked for. */
const QUERY = 'query Weights { routingWeights { route deployment weight computedAt } }';

const answerSchema = z.object({ data: z.object({ routingWeights: z.array(appliedWeightSchema) }) });

const REPORT = `mutation Circuits($collector: String!, $transitions: [CircuitTransitionInput!]!) {
  reportCircuitTransitions(collector: $collector, transitions: $transitions) }`;
const reportAnswerSchema = z.object({ data: z.object({ reportCircuitTransitions: z.number() }) });

export interface WeightsPollerOptions {
  apiUrl: string;
  /** Service-role API token, when the API requires one (SWITCHYARD_API_TOKEN). */
  token?: string;
  /** Routes this collector serves; a function, since a config reload can change them. */
  routes: () => string[];
  weights: RoutingWeights;
  intervalMs: number;
  /**
   * Weights computed longer ago than this are stale (the API or the policy engine is away): the
   * collector keeps applying them, logs once and sets the stale gauge. The clock starts no earlier
   * than this process: weights a restart finds (computed before it) are not stale until the limit
   * has passed without a fresher one. Default 30 s or 5 polls.
   */
  staleAfterMs?: number;
  /** Per-request timeout, ms (default 5000, so a hung API never delays the next poll by more). */
  timeoutMs?: number;
  /** This collector's id in circuit reports (default host:pid: a restarted collector is a new instance). */
  collectorId?: string;
  meter?: Meter;
  clock?: Clock;
  log?: (message: string) => void;
}

/**
 * Polls the API for every route's weights in one request, validated against the routing-decision
 * contract. A failed or invalid answer keeps the last good table; an outage is logged once, and
 * staleness (no weight computed within `staleAfterMs`, counted from this process's start at the
 * earliest) is logged once and exported as
 * `switchyard.collector.routing_weights.age` (s) and `….stale` (0/1).
 */
export class WeightsPoller {
  private failing = false;
  private stale = false;
  /** Newest computedAt among the applied weights, ms; null before the first good poll. */
  private newestMs: number | null = null;
  private readonly loop: PeriodicTask;
  private readonly clock: Clock;
  private readonly staleAfterMs: number;
  private readonly createdAtMs: number;
  private readonly circuits: CircuitJournal;
  private reportFailing = false;
  /** Whether the API has answered since this process started. */
  private answered = false;

  constructor(private readonly options: WeightsPollerOptions) {
    this.clock = options.clock ?? systemClock;
    this.circuits = new CircuitJournal({ routes: options.routes, clock: this.clock });
    this.staleAfterMs = options.staleAfterMs ?? Math.max(30_000, 5 * options.intervalMs);
    this.createdAtMs = this.clock.now();
    this.loop = new PeriodicTask(() => this.pollOnce(), options.intervalMs);
    options.meter
      ?.createObservableGauge('switchyard.collector.routing_weights.age', { unit: 's', description: 'Age of the newest routing weight the collector applies' })
      .addCallback((r) => {
        const age = this.ageMs();
        if (age !== null) r.observe(age / 1000);
      });
    options.meter
      ?.createObservableGauge('switchyard.collector.routing_weights.stale', {
        description: '1 while the applied routing weights are older than the staleness limit',
      })
      .addCallback((r) => r.observe(this.isStale() ? 1 : 0));
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** ms since the newest applied weight was computed; null before any. */
  ageMs(): number | null {
    return this.newestMs === null ? null : Math.max(0, this.clock.now() - this.newestMs);
  }

  /**
   * True when no weight computed after this process started (or, before that, since the start
   * itself) is younger than the limit: a restart that finds hours-old weights applies them and
   * waits the limit for the policy's next evaluation before calling them stale.
   */
  isStale(): boolean {
    return this.clock.now() - Math.max(this.createdAtMs, this.newestMs ?? this.createdAtMs) > this.staleAfterMs;
  }

  /**
   * A breaker changed state (the dispatcher's `onCircuitChange`, keyed `route/deployment`): it is
   * reported to the policy side with the next poll, for Availability's circuit-open time.
   */
  circuitChanged(breakerKey: string, state: BreakerState): void {
    this.circuits.record(breakerKey, state);
  }

  /** One poll: circuit reports first (only when there are any), then the weights; resolves true when the table was replaced. Never rejects. */
  async pollOnce(): Promise<boolean> {
    await this.reportCircuits();
    let replaced = false;
    try {
      const answer = await this.fetchAll();
      const served = new Set(this.options.routes());
      const table: WeightTable = new Map();
      let newest: number | null = null;
      for (const w of answer) {
        newest = Math.max(newest ?? 0, Date.parse(w.computedAt));
        if (!served.has(w.route)) continue;
        if (!table.has(w.route)) table.set(w.route, new Map());
        table.get(w.route)!.set(w.deployment, w.weight);
      }
      this.options.weights.replace(table, this.clock.now());
      if (newest !== null) this.newestMs = newest;
      if (this.failing) this.options.log?.('collector: routing weights API reachable again');
      this.failing = false;
      this.answered = true;
      replaced = true;
    } catch (err) {
      // Right after start the API is often still starting (in the storage process): not worth a
      // warning until the staleness limit has passed without a first answer.
      const starting = !this.answered && this.clock.now() - this.createdAtMs <= this.staleAfterMs;
      if (!this.failing && !starting) {
        this.options.log?.(`collector: cannot read routing weights (${(err as Error).message}); keeping the last known weights`);
        this.failing = true;
      }
    }
    this.reportStaleness();
    return replaced;
  }

  private reportStaleness(): void {
    const stale = this.isStale();
    if (stale && !this.stale) {
      const age = this.ageMs();
      const what = age === null ? 'none received since start' : `newest computed ${Math.round(age / 1000)} s ago`;
      this.options.log?.(`collector: routing weights are stale (${what}, limit ${this.staleAfterMs / 1000} s); applying the last known ones`);
    }
    if (!stale && this.stale) this.options.log?.('collector: routing weights are fresh again');
    this.stale = stale;
  }

  /** Sends the breakers' transitions; what does not arrive is kept for the next poll (bounded). */
  private async reportCircuits(): Promise<void> {
    const transitions = this.circuits.take();
    if (transitions.length === 0) return;
    try {
      const collector = this.options.collectorId ?? `${hostname()}:${process.pid}`;
      const answer = await this.post(REPORT, { collector, transitions: transitions.map(wire) });
      if (!reportAnswerSchema.safeParse(answer).success) throw new Error(`API refused the circuit report: ${JSON.stringify(answer).slice(0, 300)}`);
      if (this.reportFailing) this.options.log?.('collector: circuit reports delivered again');
      this.reportFailing = false;
    } catch (err) {
      this.circuits.restore(transitions);
      if (!this.reportFailing) this.options.log?.(`collector: cannot report circuit transitions (${(err as Error).message}); keeping them for the next poll`);
      this.reportFailing = true;
    }
  }

  private async post(query: string, variables?: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(this.options.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`API answered HTTP ${response.status}`);
    return response.json();
  }

  private async fetchAll() {
    const parsed = answerSchema.safeParse(await this.post(QUERY));
    if (!parsed.success)
      throw new Error(`API answer does not match the routing-decision contract: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return parsed.data.data.routingWeights;
  }
}

function wire(t: CircuitTransition) {
  return { route: t.route, deployment: t.deployment, state: t.state, at: new Date(t.atMs).toISOString() };
}
