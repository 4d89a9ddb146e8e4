import type { Kafka, Producer } from 'kafkajs';
import type { SpooledMessage } from './disk-spool.ts';
import { ensureTopic } from './kafka-common.ts';

// Broker answers after which this producer id can no longer write (KIP-98 / KIP-360): only a new
// producer id gets the partition going again, and copies of the batch become possible.
const FATAL_PRODUCER_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

/** True when `err` (or an error it wraps) means the idempotent producer's id is unusable. */
export function isFatalProducerError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FATAL_PRODUCER_ERRORS.has(type)) return true;
    if (e === (e as { cause?: unknown }).cause) break;
  }
  return false;
}

/**
 * One idempotent (acks=all, one request in flight) kafkajs producer, kept across transient errors.
 *
 * Why keeping it matters: kafkajs numbers each partition's batch before the produce request and
 * rolls the number back when the request fails. If the broker wrote the batch but the answer was
 * lost (connection cut, timeout), sending the *same* batch again on the *same* producer repeats
 * the same producer id and sequence numbers, and the broker acknowledges it as a duplicate
 * without writing it again. A new producer gets a new id, so the broker would write a copy at new
 * offsets. The caller therefore retries an unacknowledged batch unchanged (see SpillingQueue),
 * and this session replaces the producer only on errors that make its id unusable
 * (`isFatalProducerError`); kafkajs reconnects the cluster by itself after connection errors, and
 * `connect()` on an initialised idempotent producer keeps its id.
 *
 * One copy remains possible without a fatal error: a batch spanning partitions led by different
 * brokers, where some brokers acknowledged and kafkajs gave up on another; the re-send renumbers
 * the acknowledged partitions. Ingest removes such copies by attempt_id.
 */
export class ProducerSession {
  private producer: Producer | null = null;
  private ready = false;
  /** Producers made so far: 1 unless a fatal error forced a new id (tests and logs read it). */
  created = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly log: (message: string) => void,
  ) {}

  async send(messages: SpooledMessage[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      this.created++;
    }
    if (!this.ready) {
      await this.producer.connect();
      await ensureTopic(this.kafka, this.topic);
      this.ready = true;
    }
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    } catch (err) {
      if (isFatalProducerError(err)) {
        this.log(
          'kafka publisher: the broker no longer accepts this producer id; starting a new producer (a batch may be written twice; ingest removes the copy by attempt_id)',
        );
        await this.close();
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    this.ready = false;
    await p?.disconnect().catch(() => undefined);
  }
}
