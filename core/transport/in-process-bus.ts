import { serializeAttemptEvent, type AttemptEvent } from '../events/attempt-event.ts';
import type { AttemptBatchHandler, AttemptPublisher, AttemptSubscriber, LagProbe, RawAttemptMessage } from './event-bus.ts';

export interface InProcessBusOptions {
  /** Messages handed to the subscriber at once. */
  batchSize?: number;
  /** How long a partial batch may wait, in ms. */
  lingerMs?: number;
  /** Queue bound; beyond it the oldest message is dropped and counted. */
  maxBuffered?: number;
  /** Delay before a rejected batch is handed over again, in ms. */
  retryDelayMs?: number;
  /** How long close() waits for ingest to take what is queued, in ms. */
  closeTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * The embedded transport: events cross from collector to ingest inside one process, serialized
 * exactly as on Kafka, so ingest runs the same validation and the same code after the transport.
 */
export class InProcessAttemptBus {
  private readonly queue: RawAttemptMessage[] = [];
  private handler: AttemptBatchHandler | null = null;
  private nextOffset = 0n;
  private pumping: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private droppedCount = 0;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly maxBuffered: number;
  private readonly retryDelayMs: number;
  private readonly closeTimeoutMs: number;
  private readonly log: (message: string) => void;

  constructor(options: InProcessBusOptions = {}) {
    this.batchSize = options.batchSize ?? 1000;
    this.lingerMs = options.lingerMs ?? 50;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.log = options.log ?? (() => {});
  }

  readonly publisher: AttemptPublisher = ((bus) => ({
    publish: (event: AttemptEvent) => bus.enqueue(event.request_id, serializeAttemptEvent(event)),
    flush: () => bus.drain(),
    close: () => bus.closeWithin(bus.closeTimeoutMs),
    get dropped() {
      return bus.droppedCount;
    },
  }))(this);

  readonly subscriber: AttemptSubscriber & LagProbe = {
    lag: async () => {
      const high = this.nextOffset;
      const committed = high - BigInt(this.queue.length);
      return [{ partition: 0, committed: String(committed), high: String(high), lag: this.queue.length }];
    },
    start: async (handler) => {
      this.handler = handler;
      this.stopped = false;
      this.schedule(0);
    },
    stop: async () => {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      await this.pumping;
      this.handler = null;
    },
  };

  /** Publishes a raw payload as-is: how tests put a poison message on the embedded transport. */
  enqueue(key: string | null, value: string): void {
    if (this.queue.length >= this.maxBuffered) {
      this.queue.shift();
      this.droppedCount++;
    }
    this.queue.push({ key, value, partition: 0, offset: String(this.nextOffset++) });
    this.schedule(this.queue.length >= this.batchSize ? 0 : this.lingerMs);
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Drains, but gives up after `timeoutMs` (ClickHouse down at shutdown) and says how many events
   * an in-memory hand-off cannot keep, instead of hanging the shutdown.
   */
  private async closeWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)));
    const gaveUp = await Promise.race([this.drain().then(() => false), timedOut]);
    clearTimeout(timer);
    if (gaveUp) {
      this.stopped = true;
      this.log(`in-process bus: ingest did not take ${this.queue.length} queued events within ${timeoutMs} ms; they are lost with this process`);
    }
  }

  /** Resolves once every queued message has been handled, or at once when nobody subscribes. */
  private async drain(): Promise<void> {
    while (this.handler && !this.stopped && (this.queue.length > 0 || this.pumping)) {
      this.schedule(0);
      await this.pumping;
      if (this.queue.length > 0 && !this.pumping) await new Promise((r) => setTimeout(r, 5));
    }
  }

  private schedule(delayMs: number): void {
    if (this.pumping || !this.handler || this.stopped) return;
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
        if (this.queue.length > 0) this.schedule(0);
      });
    }, delayMs);
  }

  private async pump(): Promise<void> {
    while (this.handler && !this.stopped && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.handler(batch);
        // Removed only after the handler succeeded: the in-process "commit".
        this.queue.splice(0, batch.length);
      } catch {
        await new Promise((r) => setTimeout(r, this.retryDelayMs));
      }
    }
  }
}
