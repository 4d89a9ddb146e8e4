import type { Producer } from 'kafkajs';
import { ATTEMPT_TOPIC, serializeAttemptEvent, type AttemptEvent } from '../events/attempt-event.ts';
import { DiskSpool, type SpoolSegment, type SpooledMessage } from './disk-spool.ts';
import type { AttemptPublisher } from './event-bus.ts';
import { ensureTopic, kafkaClient, retryDelayMs, sleep, withTimeout, type KafkaCommon } from './kafka-common.ts';

export interface KafkaPublisherOptions extends KafkaCommon {
  /** Queue bound; beyond it the oldest event is dropped and counted (the spool normally prevents that). */
  maxBuffered?: number;
  batchSize?: number;
  /** How long a partial batch may wait for company, ms. */
  lingerMs?: number;
  /** Directory of the disk spool; without one, events wait in memory only. */
  spoolDir?: string;
  /** While the broker is unreachable, the queue moves to the spool once it holds this many events. */
  spillAt?: number;
}

/**
 * Idempotent, acks=all producer behind a bounded in-memory queue. `publish` only enqueues;
 * a background loop sends batches. While the broker is unreachable the events stay queued and,
 * past `spillAt` or at shutdown, move to an fsync'd disk spool that is replayed in order (spool
 * first, then the queue) once the broker is back — also by the next process. A user request
 * never waits for or fails on Kafka.
 */
export function createKafkaAttemptPublisher(o: KafkaPublisherOptions): AttemptPublisher & { flush(timeoutMs?: number): Promise<void>; readonly spooledSegments: number } {
  const topic = o.topic ?? ATTEMPT_TOPIC;
  const maxBuffered = o.maxBuffered ?? 100_000;
  const batchSize = o.batchSize ?? 500;
  const lingerMs = o.lingerMs ?? 20;
  const spillAt = o.spillAt ?? 1000;
  const kafka = kafkaClient(o);
  const spool = o.spoolDir ? new DiskSpool(o.spoolDir) : null;
  const queue: SpooledMessage[] = [];
  let enqueued = 0; // events ever accepted (sequence of the newest)
  let settled = 0; // events acknowledged or dropped (a prefix of the sequence)
  let dropped = 0;
  let producer: Producer | null = null;
  let closing = false;
  let wake: (() => void) | null = null;
  let failures = 0;
  /** The spool segment being replayed and how much of it the broker already took. */
  let replaying: { segment: SpoolSegment; sent: number } | null = null;
  const waiters: Array<{ upTo: number; resolve: () => void }> = [];

  const settle = (n: number) => {
    settled += n;
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.upTo <= settled) waiters.splice(i, 1)[0]!.resolve();
  };

  async function send(messages: SpooledMessage[]): Promise<void> {
    if (!producer) {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await p.connect();
      await ensureTopic(kafka, topic);
      producer = p;
    }
    await producer.send({ topic, acks: -1, messages });
    if (failures > 0) o.logger?.(`kafka publisher: broker reachable again, ${queue.length} events queued, ${spool?.segments ?? 0} spool segments`);
    failures = 0;
  }

  /** Sends what comes first: the oldest spool segment, else the queue. */
  async function sendNext(): Promise<void> {
    if (spool?.hasData) {
      replaying ??= { segment: (await spool.oldest())!, sent: 0 };
      const { segment } = replaying;
      while (replaying.sent < segment.messages.length) {
        const chunk = segment.messages.slice(replaying.sent, replaying.sent + batchSize);
        await send(chunk);
        replaying.sent += chunk.length;
      }
      await spool.remove(segment);
      replaying = null;
      if (segment.ownedByThisProcess) settle(segment.messages.length);
      return;
    }
    if (queue.length < batchSize && !closing) await sleep(lingerMs);
    const batch = queue.slice(0, batchSize);
    await send(batch);
    queue.splice(0, batch.length);
    settle(batch.length);
  }

  async function spill(): Promise<void> {
    if (!spool || queue.length === 0) return;
    const moved = queue.splice(0);
    await spool.append(moved);
    o.logger?.(`kafka publisher: spooled ${moved.length} events to disk while the broker is unreachable`);
  }

  async function loop(): Promise<void> {
    while (!(closing && queue.length === 0 && !spool?.hasData)) {
      if (queue.length === 0 && !spool?.hasData) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      try {
        await sendNext();
      } catch (err) {
        if (failures === 0) o.logger?.(`kafka publisher: send failed (${(err as Error).message}); keeping ${queue.length} events and retrying`);
        failures++;
        await producer?.disconnect().catch(() => undefined);
        producer = null;
        if (queue.length >= spillAt) await spill().catch((e: unknown) => o.logger?.(`kafka publisher: spool write failed: ${(e as Error).message}`));
        if (closing && failures > 3) break;
        await sleep(retryDelayMs(failures));
      }
    }
  }
  const running = loop();

  const flush = (timeoutMs?: number): Promise<void> => {
    const upTo = enqueued;
    if (settled >= upTo) return Promise.resolve();
    const done = new Promise<void>((resolve) => waiters.push({ upTo, resolve }));
    if (timeoutMs === undefined) return done;
    return withTimeout(done, timeoutMs, () => `kafka publisher: ${upTo - settled} events not acknowledged within ${timeoutMs} ms`);
  };

  return {
    publish(event: AttemptEvent) {
      if (queue.length >= maxBuffered) {
        queue.shift();
        dropped++;
        settle(1);
      }
      queue.push({ key: event.request_id, value: serializeAttemptEvent(event) });
      enqueued++;
      wake?.();
      wake = null;
    },
    flush,
    async close() {
      closing = true;
      wake?.();
      await withTimeout(running, 10_000, () => 'send loop did not finish').catch(() => undefined);
      if (queue.length > 0) {
        if (spool) await spill();
        else o.logger?.(`kafka publisher: closing with ${queue.length} events unsent (broker unreachable, no spool)`);
      }
      await producer?.disconnect().catch(() => undefined);
    },
    get dropped() {
      return dropped;
    },
    get spooledSegments() {
      return spool?.segments ?? 0;
    },
  };
}
