import { serializeAttemptEvent, type AttemptEvent } from '../events/attempt-event.ts';
import { DiskSpool, type SpoolLimits } from './disk-spool.ts';
import type { AttemptBatchHandler, AttemptPublisher, AttemptSubscriber, EmissionStats, LagProbe, RawAttemptMessage } from './event-bus.ts';
import { describeErrorSafely } from './safe-error.ts';
import { SpillingQueue, type Batch } from './spilling-queue.ts';

export interface InProcessBusOptions {
  /** Messages handed to the subscriber at once. */
  batchSize?: number;
  /** How long a partial batch may wait, in ms. */
  lingerMs?: number;
  /**
   * While events keep coming, the earliest the next batch is handed over after the previous one
   * was, ms, unless `batchSize` events are waiting by then (default 0: what is queued goes as soon
   * as the previous batch is done). For a subscriber with a large cost per call: at 1,000 req/s the
   * storage process of `switchyard all` spent 665–720 µs of CPU per event stored in the ~150–200
   * events that gathered during each insert, 355–406 µs with 500 ms (docs/performance.md). A flush
   * or stop does not wait. `lingerMs` applies only when the queue ran empty.
   */
  batchIntervalMs?: number;
  /** Events held in memory (default 100,000; the pipeline passes SWITCHYARD_EVENTS_MEMORY_MAX); past it they move to the spool, or without one the oldest are dropped and counted. */
  maxBuffered?: number;
  /** Delay before a rejected batch is handed over again, in ms. */
  retryDelayMs?: number;
  /** How long close() waits for ingest to take what is queued, in ms; the rest goes to the spool. */
  closeTimeoutMs?: number;
  /** Directory of the disk spool (the pipeline uses SWITCHYARD_DATA/spool/embedded); without one, events wait in memory only. */
  spoolDir?: string;
  spoolLimits?: SpoolLimits;
  log?: (message: string) => void;
}

/**
 * The embedded transport: events cross from collector to ingest inside one process, serialized
 * exactly as on Kafka, so ingest runs the same validation and the same code after the transport.
 * Behind it is the same `SpillingQueue` as Kafka's: while ingest cannot store (ClickHouse away),
 * the batch is retried unchanged and what waits past `maxBuffered` goes to the disk spool, which
 * the next process delivers first if this one ends before ingest recovers.
 */
export class InProcessAttemptBus {
  private readonly queue: SpillingQueue;
  private readonly spool: DiskSpool | null;
  private handler: AttemptBatchHandler | null = null;
  private committed = 0n;
  private nextOffset = 0n;
  private readonly offsets = new WeakMap<Batch, bigint>();
  private pumping: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly batchIntervalMs: number;
  /** Ends the wait for a fuller batch early (queue full, flush, stop). */
  private wakeFill: (() => void) | null = null;
  /** Flushes in progress: while any runs, batches go without waiting to fill. */
  private flushing = 0;
  private readonly retryDelayMs: number;
  private readonly closeTimeoutMs: number;
  private readonly log: (message: string) => void;

  constructor(options: InProcessBusOptions = {}) {
    this.batchSize = options.batchSize ?? 1000;
    this.lingerMs = options.lingerMs ?? 50;
    this.batchIntervalMs = options.batchIntervalMs ?? 0;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.log = options.log ?? (() => {});
    this.spool = options.spoolDir ? new DiskSpool(options.spoolDir, options.spoolLimits) : null;
    this.queue = new SpillingQueue({
      memoryBound: options.maxBuffered ?? 100_000,
      batchSize: this.batchSize,
      spool: this.spool,
      label: 'in-process bus',
      log: this.log,
    });
  }

  readonly publisher: AttemptPublisher & { emission(): EmissionStats } = ((bus) => ({
    publish: (event: AttemptEvent) => bus.enqueue(event.request_id, serializeAttemptEvent(event)),
    flush: () => bus.drain(),
    close: () => bus.closeWithin(bus.closeTimeoutMs),
    get dropped() {
      return bus.queue.counts.dropped;
    },
    emission: () => ({
      transport: 'in-process',
      ...bus.queue.counts,
      inMemory: bus.queue.inMemory,
      spool: bus.spool?.depth() ?? null,
      refusal: bus.queue.refusal(),
    }),
  }))(this);

  readonly subscriber: AttemptSubscriber & LagProbe = {
    lag: async () => {
      const pending = this.queue.pending;
      return [{ partition: 0, committed: String(this.committed), high: String(this.committed + BigInt(pending)), lag: pending }];
    },
    start: async (handler) => {
      this.handler = handler;
      this.stopped = false;
      this.schedule(0);
    },
    stop: async () => {
      this.stopped = true;
      this.wakeFill?.();
      if (this.timer) clearTimeout(this.timer);
      await this.pumping;
      this.handler = null;
    },
  };

  /** Publishes a raw payload as-is: how tests put a poison message on the embedded transport. */
  enqueue(key: string | null, value: string): void {
    this.queue.push({ key, value });
    if (this.wakeFill && this.queue.pending >= this.batchSize) this.wakeFill();
    this.schedule(this.queue.inMemory >= this.batchSize ? 0 : this.lingerMs);
  }

  get dropped(): number {
    return this.queue.counts.dropped;
  }

  /** Events not yet stored by ingest: in memory, in flight and in the spool. */
  get pending(): number {
    return this.queue.pending;
  }

  /**
   * Drains, but gives up after `timeoutMs` (ClickHouse down at shutdown): what ingest did not take
   * goes to the disk spool for the next start, or — without a spool — is reported as lost.
   */
  private async closeWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)));
    const gaveUp = await Promise.race([this.drain().then(() => false), timedOut]);
    clearTimeout(timer);
    const waiting = this.queue.unsettled;
    if (gaveUp) this.stopped = true;
    const lost = await this.queue.persist();
    if (!gaveUp) return;
    const fate = lost === 0 ? `they wait in the disk spool for the next start` : `${lost} of them are lost with this process (no spool)`;
    this.log(`in-process bus: ingest did not take ${waiting} queued events within ${timeoutMs} ms; ${fate}`);
  }

  /** Resolves once every event published here has been handled, or at once when nobody subscribes. */
  private async drain(): Promise<void> {
    this.flushing++;
    this.wakeFill?.();
    try {
      while (this.handler && !this.stopped && this.queue.unsettled > 0) {
        this.schedule(0);
        await (this.pumping ?? new Promise((r) => setTimeout(r, 5)));
      }
    } finally {
      this.flushing--;
    }
  }

  /** Waits until `until` (performance.now() ms) for a full batch to gather, unless one already has, or a flush or stop wants everything now. */
  private async waitToFill(until: number): Promise<void> {
    const wait = until - performance.now();
    if (wait <= 0 || this.flushing > 0 || this.stopped || this.queue.pending >= this.batchSize) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeFill?.(), wait);
      this.wakeFill = () => {
        clearTimeout(timer);
        this.wakeFill = null;
        resolve();
      };
    });
  }

  private schedule(delayMs: number): void {
    if (this.pumping || !this.handler || this.stopped || this.queue.closed) return;
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
        if (this.queue.pending > 0) this.schedule(this.lingerMs);
      });
    }, delayMs);
  }

  private async pump(): Promise<void> {
    let failures = 0;
    while (this.handler && !this.stopped) {
      const batch = await this.queue.take().catch(async (err: unknown) => {
        this.log(`in-process bus: cannot read the disk spool (${describeErrorSafely(err)}); retrying`);
        await new Promise((r) => setTimeout(r, 1000));
        return undefined;
      });
      if (batch === undefined) continue;
      if (!batch) return;
      const handedAt = performance.now();
      try {
        await this.handler(this.messagesOf(batch));
        if (failures > 0) this.log(`in-process bus: ingest took the batch after ${failures} failed attempts`);
        failures = 0;
        this.committed += BigInt(batch.messages.length);
        // Acknowledged only after the handler succeeded: the in-process "commit".
        await this.queue.ack(batch);
        if (this.batchIntervalMs > 0) await this.waitToFill(handedAt + this.batchIntervalMs);
      } catch (err) {
        if (failures === 0 && !this.stopped)
          this.log(
            `in-process bus: ingest failed a batch of ${batch.messages.length} events (${describeErrorSafely(err)}); retrying it every ${this.retryDelayMs} ms, nothing is dropped`,
          );
        failures++;
        await new Promise((r) => setTimeout(r, this.retryDelayMs));
      }
    }
  }

  /** The batch with its offsets: assigned once, so a retried batch carries the same offsets (ingest's dedup token). */
  private messagesOf(batch: Batch): RawAttemptMessage[] {
    let first = this.offsets.get(batch);
    if (first === undefined) {
      first = this.nextOffset;
      this.nextOffset += BigInt(batch.messages.length);
      this.offsets.set(batch, first);
    }
    return batch.messages.map((m, i) => ({ key: m.key, value: m.value, partition: 0, offset: String(first + BigInt(i)) }));
  }
}
