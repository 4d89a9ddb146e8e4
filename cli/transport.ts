import { join } from 'node:path';
import { ATTEMPT_TOPIC } from '../core/events/attempt-event.ts';
import { ConfigError } from '../core/errors.ts';
import type { AttemptPublisher, AttemptSubscriber, DeadLetterSink } from '../core/transport/event-bus.ts';
import { InProcessAttemptBus } from '../core/transport/in-process-bus.ts';
import type { PipelineOptions } from './pipeline.ts';

/** How events travel from collector to ingest, and the name ingest stores as their source (its dedup key with the offset). */
export interface Transport {
  source: string;
  publisher(): AttemptPublisher;
  subscriber(): AttemptSubscriber;
  /** Kafka only: the embedded transport keeps rejected messages in `rejected_events` alone. */
  deadLetters?(): DeadLetterSink;
}

/** Kafka when brokers are set (kafkajs loads only then), else the embedded in-process bus. */
export async function chooseTransport(o: PipelineOptions): Promise<Transport> {
  if (o.kafka) {
    const { brokers, groupId, producerOn } = o.kafka;
    const { createKafkaAttemptPublisher, createKafkaAttemptSubscriber, createKafkaDeadLetterSink } = await import('../core/transport/kafka-bus.ts');
    const topic = o.kafka.topic ?? ATTEMPT_TOPIC;
    return {
      source: topic,
      publisher: () =>
        createKafkaAttemptPublisher({
          brokers,
          topic,
          clientId: 'switchyard-collector',
          producerOn,
          spoolDir: o.spoolDir,
          maxBuffered: o.emission?.memoryEvents,
          spoolLimits: o.emission?.spool,
          logger: o.log,
        }),
      subscriber: () => createKafkaAttemptSubscriber({ brokers, topic, groupId, clientId: 'switchyard-ingest', fromBeginning: true, logger: o.log }),
      deadLetters: () => createKafkaDeadLetterSink({ brokers, topic, clientId: 'switchyard-ingest-dlq', logger: o.log }),
    };
  }
  if (o.services.has('collector') !== o.services.has('ingest')) {
    throw new ConfigError(
      'without KAFKA_BROKERS, events are handed over in-process, so collector and ingest must run in the same process (e.g. `switchyard all`)',
    );
  }
  // Its own spool folder: Kafka segments in SWITCHYARD_DATA/spool stay for a later Kafka run.
  const bus = new InProcessAttemptBus({
    spoolDir: o.spoolDir ? join(o.spoolDir, 'embedded') : undefined,
    maxBuffered: o.emission?.memoryEvents,
    spoolLimits: o.emission?.spool,
    log: o.log,
  });
  // Offsets of the embedded bus restart with each process, so its dedup source must be unique per process.
  return { source: `in-process:${crypto.randomUUID()}`, publisher: () => bus.publisher, subscriber: () => bus.subscriber };
}
