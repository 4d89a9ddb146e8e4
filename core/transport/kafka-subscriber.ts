import type { Consumer } from 'kafkajs';
import { ATTEMPT_TOPIC } from '../events/attempt-event.ts';
import type { AttemptBatchHandler, AttemptSubscriber, LagProbe, PartitionLag, RawAttemptMessage } from './event-bus.ts';
import { retrying } from '../retry/retrying.ts';
import { ensureTopic, KAFKA_RETRY_BACKOFF, kafkaClient, TOPIC_PARTITIONS, type KafkaCommon } from './kafka-common.ts';

export interface KafkaSubscriberOptions extends KafkaCommon {
  groupId: string;
  fromBeginning?: boolean;
  /** A fetch waits for this many bytes… */
  fetchMinBytes?: number;
  /** …or this long, ms: the batch age bound. */
  fetchMaxWaitMs?: number;
  /** The batch byte bound per partition. */
  fetchMaxBytesPerPartition?: number;
  /** How long the broker keeps a silent member, ms (default 30,000; the broker allows 6,000 and up). */
  sessionTimeoutMs?: number;
}

/** Between heartbeats, ms; kafkajs sends one only when this much time has passed since the last. */
const HEARTBEAT_INTERVAL_MS = 3000;

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
        sessionTimeout: o.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: HEARTBEAT_INTERVAL_MS,
        minBytes: o.fetchMinBytes ?? 1 << 20,
        maxWaitTimeInMs: o.fetchMaxWaitMs ?? 1000,
        maxBytesPerPartition: o.fetchMaxBytesPerPartition ?? 8 << 20,
        // kafkajs caps a whole fetch at 10 MB by default, which cut a backlog into ~4,000-row
        // batches over three partitions; the engine stores 10,000-row inserts with ~25 % less CPU
        // per row (bench/profiles/ingest-cpu.md), so a fetch may carry every partition's full batch.
        // Longer batches are why the handler runs under keepAlive below.
        maxBytes: TOPIC_PARTITIONS * (o.fetchMaxBytesPerPartition ?? 8 << 20),
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
          // Until the handler takes the batch; losing the partition (or stopping) gives up without a commit.
          const lost = () => !isRunning() || isStale();
          const handled = await keepAlive(heartbeat, () =>
            retrying(() => handler(messages), {
              policy: KAFKA_RETRY_BACKOFF,
              stopWhen: lost,
              onFailure: (err, attempt) => {
                if (attempt === 1)
                  o.logger?.(`kafka subscriber: batch ${batch.partition}/${messages[0]!.offset}-${last} failed (${(err as Error).message}); retrying`);
              },
              beforeRetry: heartbeat,
            }),
          ).then(
            () => true,
            (err: unknown) => {
              if (lost()) return false;
              throw err;
            },
          );
          if (!handled) return;
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

/**
 * Runs `work` while heartbeating every HEARTBEAT_INTERVAL_MS. kafkajs heartbeats only between
 * batches, so a batch that outlasts the session (a full fetch cut into small inserts, a loaded
 * machine) cost the member its partitions mid-batch: a rebalance, the commit refused, the batch
 * handled again by the next owner, and again if that one was as slow. A failed heartbeat (a
 * rebalance under way) is left to the batch's end: its commit fails and kafkajs rejoins.
 */
async function keepAlive<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  // Checked thrice per interval: kafkajs skips a call made before the interval has fully passed.
  const timer = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS / 3);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
