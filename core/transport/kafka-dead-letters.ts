import type { Producer } from 'kafkajs';
import { ATTEMPT_TOPIC } from '../events/attempt-event.ts';
import type { DeadLetter, DeadLetterSink } from './event-bus.ts';
import { ensureTopic, kafkaClient, type KafkaCommon } from './kafka-common.ts';

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
          headers: {
            error: l.error.slice(0, 2000),
            stage: l.stage,
            source_topic: sourceTopic,
            source_partition: String(l.message.partition),
            source_offset: l.message.offset,
          },
        })),
      });
    },
    async close() {
      await producer?.disconnect().catch(() => undefined);
      producer = null;
    },
  };
}
