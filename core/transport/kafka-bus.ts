import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { ATTEMPT_TOPIC, serializeAttemptEvent, type AttemptEvent } from '../events/attempt-event.ts';
import { DiskSpool, type SpoolSegment, type SpooledMessage } from './disk-spool.ts';
import type { AttemptBatchHandler, AttemptPublisher, AttemptSubscriber, DeadLetter, DeadLetterSink, LagProbe, PartitionLag, RawAttemptMessage } from './event-bus.ts';

// kafkajs stays inside this file: the rest of Switchyard sees only AttemptPublisher/AttemptSubscriber.

interface KafkaCommon {
  brokers: string[];
  clientId: string;
  topic?: string;
  logger?: (message: string) => void;
}

const TOPIC_PARTITIONS = 3;

function kafkaClient(o: KafkaCommon): Kafka {
  // kafkajs's own logging is off: it would log every reconnect. State changes are logged here, once.
  return new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 } });
}

async function ensureTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Capped exponential backoff with full jitter, ms. */
function retryDelayMs(failures: number, capMs = 5000): number {
  return Math.floor(Math.random() * Math.min(capMs, 100 * 2 ** Math.min(failures, 10)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settles with `promise`, or rejects after `ms` without leaving a timer behind either way. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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

export interface KafkaSubscriberOptions extends KafkaCommon {
  groupId: string;
  fromBeginning?: boolean;
  /** A fetch waits for this many bytes… */
  fetchMinBytes?: number;
  /** …or this long, ms: the batch age bound. */
  fetchMaxWaitMs?: number;
  /** The batch byte bound per partition. */
  fetchMaxBytesPerPartition?: number;
}

/**
 * Consumer-group subscriber that commits a partition's offsets only after the handler resolved
 * for the batch; a failing handler gets the same batch again (with backoff and heartbeats) until
 * it succeeds or the subscriber stops, in which case nothing is committed and the batch is
 * redelivered to whoever owns the partition next.
 */
export function createKafkaAttemptSubscriber(o: KafkaSubscriberOptions): AttemptSubscriber & LagProbe {
  const topic = o.topic ?? ATTEMPT_TOPIC;
  const kafka = kafkaClient(o);
  let consumer: Consumer | null = null;

  return {
    /** Committed group offsets against the partitions' high watermarks, from the broker. */
    async lag(): Promise<PartitionLag[]> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [high, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: o.groupId, topics: [topic] })]);
        const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
        return high.map((h) => {
          const c = committedByPartition.get(h.partition) ?? '-1';
          const start = c === '-1' ? BigInt(h.low) : BigInt(c);
          return { partition: h.partition, committed: c, high: h.high, lag: Number(BigInt(h.high) - start) };
        });
      } finally {
        await admin.disconnect();
      }
    },
    async start(handler: AttemptBatchHandler) {
      await ensureTopic(kafka, topic);
      // The broker does the batching: a fetch returns once it has minBytes or waited maxWaitTimeInMs,
      // so a batch per partition is bounded by bytes and age; the writer then caps rows per insert.
      const c = kafka.consumer({
        groupId: o.groupId,
        allowAutoTopicCreation: true,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        minBytes: o.fetchMinBytes ?? 1 << 20,
        maxWaitTimeInMs: o.fetchMaxWaitMs ?? 1000,
        maxBytesPerPartition: o.fetchMaxBytesPerPartition ?? 8 << 20,
      });
      consumer = c;
      const joined = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kafka subscriber: no group join for "${o.groupId}" within 30 s`)), 30_000);
        c.on(c.events.GROUP_JOIN, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: o.fromBeginning ?? true });
      await c.run({
        // Partitions are written in parallel, so one partition's insert overlaps another's fetch and parse.
        partitionsConsumedConcurrently: TOPIC_PARTITIONS,
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (batch.messages.length === 0) return;
          const messages: RawAttemptMessage[] = batch.messages.map((m) => ({
            key: m.key?.toString('utf8') ?? null,
            value: m.value?.toString('utf8') ?? '',
            partition: batch.partition,
            offset: m.offset,
          }));
          const last = messages[messages.length - 1]!.offset;
          for (let failures = 0; ; failures++) {
            try {
              await handler(messages);
              break;
            } catch (err) {
              if (failures === 0) o.logger?.(`kafka subscriber: batch ${batch.partition}/${messages[0]!.offset}-${last} failed (${(err as Error).message}); retrying`);
              if (!isRunning() || isStale()) return;
              await sleep(retryDelayMs(failures));
              await heartbeat();
            }
          }
          resolveOffset(last);
          await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          await heartbeat();
        },
      });
      await joined;
    },
    async stop() {
      await consumer?.disconnect();
      consumer = null;
    },
  };
}

/** The dead-letter topic for a source topic: `llm.attempts.v1` → `llm.attempts.v1.dlq`. */
export function deadLetterTopic(sourceTopic: string): string {
  return `${sourceTopic}.dlq`;
}

/**
 * Parks rejected messages on the DLQ topic, value unchanged, with the reason and the source
 * coordinates in headers, so they can be inspected and replayed.
 */
export function createKafkaDeadLetterSink(o: KafkaCommon): DeadLetterSink {
  const sourceTopic = o.topic ?? ATTEMPT_TOPIC;
  const topic = deadLetterTopic(sourceTopic);
  const kafka = kafkaClient(o);
  let producer: Producer | null = null;
  return {
    async send(letters: DeadLetter[]) {
      if (!producer) {
        const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await p.connect();
        await ensureTopic(kafka, topic);
        producer = p;
      }
      await producer.send({
        topic,
        acks: -1,
        messages: letters.map((l) => ({
          key: l.message.key,
          value: l.message.value,
          headers: { error: l.error.slice(0, 2000), stage: l.stage, source_topic: sourceTopic, source_partition: String(l.message.partition), source_offset: l.message.offset },
        })),
      });
    },
    async close() {
      await producer?.disconnect().catch(() => undefined);
      producer = null;
    },
  };
}
