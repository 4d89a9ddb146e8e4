import { ATTEMPT_TOPIC, serializeAttemptEvent, type AttemptEvent } from '../events/attempt-event.ts';
import { DiskSpool, type SpoolLimits } from './disk-spool.ts';
import type { AttemptPublisher, EmissionStats } from './event-bus.ts';
import { retrying } from '../retry/retrying.ts';
import { KAFKA_RETRY_BACKOFF, kafkaClient, sleep, withTimeout, type KafkaCommon } from './kafka-common.ts';
import { ProducerSession } from './kafka-producer-session.ts';
import { ProducerThread, type BatchProducer } from './kafka-producer-thread.ts';
import { describeErrorSafely } from './safe-error.ts';
import { SpillingQueue } from './spilling-queue.ts';

export interface KafkaPublisherOptions extends KafkaCommon {
  /** Events held in memory (default 100,000; the pipeline passes SWITCHYARD_EVENTS_MEMORY_MAX); past it they move to the spool, or without one the oldest are dropped and counted. */
  maxBuffered?: number;
  /** Events per produce request and per spool segment (default 500). */
  batchSize?: number;
  /** How long a partial batch may wait for company, ms. */
  lingerMs?: number;
  /** Directory of the disk spool; without one, events wait in memory only. */
  spoolDir?: string;
  spoolLimits?: SpoolLimits;
  /** How long close() keeps trying the broker before it writes the rest to the spool, ms (default 10,000). */
  closeTimeoutMs?: number;
  /**
   * Where the kafkajs producer runs: `thread` (default) on a worker thread of its own, off the
   * event loop that serves requests; `main` on this one. A `connect` socket factory (tests' fault
   * injection) is a function, which cannot cross to a thread, so it implies `main`.
   */
  producerOn?: 'thread' | 'main';
}

export type KafkaAttemptPublisher = AttemptPublisher & {
  flush(timeoutMs?: number): Promise<void>;
  emission(): EmissionStats;
  readonly spooledSegments: number;
  /** Producers created so far: stays 1 across transient broker errors. */
  readonly producersCreated: number;
};

/**
 * Idempotent, acks=all producer (on its own thread by default: `producerOn`) behind a `SpillingQueue`. `publish` only enqueues; a background
 * loop sends the oldest batch — spool segments first — and re-sends exactly that batch on the
 * same producer until the broker acknowledges it, so a lost acknowledgement never becomes a
 * copy (see `ProducerSession`). Past `maxBuffered` events in memory (a slow or unreachable
 * broker) they move to an fsync'd disk spool, replayed in order when the broker is back — also by
 * the next process. At close, what the broker did not take within `closeTimeoutMs` is spooled.
 * A user request never waits for or fails on Kafka; only a full spool turns requests away.
 */
export function createKafkaAttemptPublisher(o: KafkaPublisherOptions): KafkaAttemptPublisher {
  const log = o.logger ?? (() => {});
  const topic = o.topic ?? ATTEMPT_TOPIC;
  const batchSize = o.batchSize ?? 500;
  const lingerMs = o.lingerMs ?? 20;
  const spool = o.spoolDir ? new DiskSpool(o.spoolDir, o.spoolLimits) : null;
  const queue = new SpillingQueue({ memoryBound: o.maxBuffered ?? 100_000, batchSize, spool, label: 'kafka publisher', log });
  const onThread = (o.producerOn ?? 'thread') === 'thread' && !o.connect;
  const session: BatchProducer = onThread
    ? new ProducerThread({ brokers: o.brokers, clientId: o.clientId, topic }, log)
    : new ProducerSession(kafkaClient(o), topic, log);
  let closing = false;

  async function loop(): Promise<void> {
    for (;;) {
      if (!closing && queue.inMemory > 0 && queue.inMemory < batchSize && !spool?.hasData) await sleep(lingerMs);
      const batch = await queue.take().catch(async (err: unknown) => {
        log(`kafka publisher: cannot read the disk spool (${describeErrorSafely(err)}); retrying`);
        await sleep(1000);
        return undefined;
      });
      if (batch === undefined) continue;
      if (!batch) {
        // `take` may have found nothing just before a publish; only an empty queue ends the loop.
        if (closing && queue.pending === 0) return;
        await queue.nextArrival();
        continue;
      }
      // The same batch until the broker takes it; a closing publisher gives up after a few tries and spools the rest.
      let failures = 0;
      const sent = await retrying(() => session.send(batch.messages), {
        policy: KAFKA_RETRY_BACKOFF,
        stopWhen: () => closing && failures > 3,
        onFailure: (err) => {
          if (failures++ === 0) log(`kafka publisher: send failed (${describeErrorSafely(err)}); retrying the same batch, ${queue.pending} events waiting`);
        },
      }).then(
        () => true,
        () => false,
      );
      if (!sent) return;
      if (failures > 0) log(`kafka publisher: broker reachable again after ${failures} failed sends; ${queue.pending} events still to send`);
      await queue.ack(batch);
    }
  }
  const running = loop();

  const flush = (timeoutMs?: number): Promise<void> => {
    const done = queue.flushed();
    if (timeoutMs === undefined) return done;
    return withTimeout(done, timeoutMs, () => `kafka publisher: ${queue.unsettled} events not acknowledged within ${timeoutMs} ms`);
  };

  return {
    publish(event: AttemptEvent) {
      queue.push({ key: event.request_id, value: serializeAttemptEvent(event) });
    },
    flush,
    async close() {
      closing = true;
      await withTimeout(running, o.closeTimeoutMs ?? 10_000, () => 'send loop did not finish').catch(() => undefined);
      const pending = queue.inMemory;
      const lost = await queue.persist();
      if (pending > lost) log(`kafka publisher: closing with the broker behind; ${pending - lost} events written to the disk spool for the next start`);
      if (lost > 0) log(`kafka publisher: closing with ${lost} events unsent and no spool to keep them (counted as dropped)`);
      await session.close();
    },
    get dropped() {
      return queue.counts.dropped;
    },
    emission: () => ({ transport: 'kafka', ...queue.counts, inMemory: queue.inMemory, spool: spool?.depth() ?? null, refusal: queue.refusal() }),
    get spooledSegments() {
      return spool?.segments ?? 0;
    },
    get producersCreated() {
      return session.created;
    },
  };
}
