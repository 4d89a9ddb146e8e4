import { join } from 'node:path';
import { lockDataDir } from '../cli/data-dir-lock.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { parseEnv } from '../core/config/env.ts';
import type { AttemptPublisher, EmissionStats } from '../core/transport/event-bus.ts';
import { InProcessAttemptBus } from '../core/transport/in-process-bus.ts';
import { createKafkaAttemptPublisher } from '../core/transport/kafka-bus.ts';
import { emissionLimitsFromEnv } from '../core/transport/emission-limits.ts';
import { createIngestService } from '../ingest/ingest-service.ts';

/** A publisher chosen from the environment; `close()` flushes and releases everything it opened. */
export type DefaultPublisher = AttemptPublisher & {
  /** `kafka` when KAFKA_BROKERS is set, else `embedded` (events stored by an in-process ingest). */
  readonly kind: 'kafka' | 'embedded';
  /** Published, delivered (broker acks, or stored by the embedded ingest), spooled, dropped. */
  emission(): EmissionStats;
};

export interface CreatePublisherOptions {
  /** Where settings are read from; default process.env (KAFKA_BROKERS, KAFKA_TOPIC, SWITCHYARD_DATA, CLICKHOUSE_URL). */
  env?: Record<string, string | undefined>;
  log?: (message: string) => void;
}

/**
 * The attempt publisher a library user gets without wiring one: with `KAFKA_BROKERS`, the Kafka
 * publisher to `KAFKA_TOPIC` (spooling to `SWITCHYARD_DATA/spool` while the broker is away), for
 * a separate `switchyard ingest` to store; without it, the embedded pipeline's ingest in this
 * process, storing into chDB under `SWITCHYARD_DATA` (or `CLICKHOUSE_URL`), so cost questions work
 * with no other process. Throws ConfigError for a bad environment and DataDirBusyError when
 * another process holds the embedded data directory.
 */
export async function createPublisher(options: CreatePublisherOptions = {}): Promise<DefaultPublisher> {
  const env = parseEnv(options.env ?? process.env);
  const log = options.log ?? (() => {});
  const limits = emissionLimitsFromEnv(env);
  if (env.KAFKA_BROKERS) {
    const kafka = createKafkaAttemptPublisher({
      brokers: env.KAFKA_BROKERS,
      topic: env.KAFKA_TOPIC,
      clientId: 'switchyard-library',
      spoolDir: join(env.dataDir, 'spool'),
      maxBuffered: limits.memoryEvents,
      spoolLimits: limits.spool,
      logger: log,
    });
    return Object.assign(kafka, { kind: 'kafka' as const });
  }
  const lock = env.CLICKHOUSE_URL ? null : lockDataDir(env.dataDir);
  const clickhouse = createClickHouse(
    env.CLICKHOUSE_URL ? { kind: 'server', url: env.CLICKHOUSE_URL } : { kind: 'embedded', path: join(env.dataDir, 'clickhouse') },
  );
  const bus = new InProcessAttemptBus({ spoolDir: join(env.dataDir, 'spool', 'embedded'), maxBuffered: limits.memoryEvents, spoolLimits: limits.spool, log });
  const ingest = createIngestService({
    subscriber: bus.subscriber,
    clickhouse,
    source: `in-process:${crypto.randomUUID()}`,
    maxRows: env.SWITCHYARD_INGEST_MAX_ROWS,
    log,
  });
  try {
    await migrate(clickhouse, { rawTtlDays: env.SWITCHYARD_RAW_TTL_DAYS, cluster: env.CLICKHOUSE_CLUSTER, sequentialPartRemoval: !env.CLICKHOUSE_URL });
    await ingest.start();
  } catch (err) {
    await clickhouse.close();
    lock?.release();
    throw err;
  }
  const publisher = bus.publisher;
  return {
    kind: 'embedded',
    publish: (event) => publisher.publish(event),
    flush: () => publisher.flush(),
    emission: () => publisher.emission(),
    get dropped() {
      return publisher.dropped;
    },
    close: async () => {
      // Same order as the pipeline: drain events into ClickHouse, stop ingest, close the client.
      await publisher.close();
      await ingest.stop();
      await clickhouse.close();
      lock?.release();
    },
  };
}
