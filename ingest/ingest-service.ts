import type { AttemptSubscriber, DeadLetterSink } from '../core/transport/event-bus.ts';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { createAttemptWriter, type AttemptWriterStats } from './attempt-writer.ts';

export interface IngestService {
  readonly stats: AttemptWriterStats;
  start(): Promise<void>;
  /** Stops intake after the batch in flight is stored and committed. */
  stop(): Promise<void>;
}

export function createIngestService(options: {
  subscriber: AttemptSubscriber;
  clickhouse: ClickHouseClient;
  source: string;
  maxRows?: number;
  deadLetters?: DeadLetterSink;
  log?: (message: string) => void;
}): IngestService {
  const writer = createAttemptWriter({ clickhouse: options.clickhouse, source: options.source, maxRows: options.maxRows, deadLetters: options.deadLetters, log: options.log });
  return {
    stats: writer.stats,
    start: () => options.subscriber.start(writer.handle),
    stop: async () => {
      await options.subscriber.stop();
      await options.deadLetters?.close();
    },
  };
}
