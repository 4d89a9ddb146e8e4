import type { Meter } from '@opentelemetry/api';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { HealthReport } from '../core/ops/ops-server.ts';
import { PeriodicTask } from '../core/periodic-task.ts';
import type { AttemptSubscriber, DeadLetterSink, LagProbe } from '../core/transport/event-bus.ts';
import { createAttemptWriter, type AttemptWriterStats } from './attempt-writer.ts';
import { createIngestMetrics } from './ingest-metrics.ts';
import { ProgressTracker } from './progress-tracker.ts';

export interface IngestService {
  readonly stats: AttemptWriterStats;
  start(): Promise<void>;
  /** Stops intake after the batch in flight is stored and committed. */
  stop(): Promise<void>;
  /** Unhealthy when a partition has lag and no progress for the stall time. */
  health(): Promise<HealthReport>;
}

export interface IngestServiceOptions {
  subscriber: AttemptSubscriber & Partial<LagProbe>;
  clickhouse: ClickHouseClient;
  source: string;
  maxRows?: number;
  deadLetters?: DeadLetterSink;
  meter?: Meter;
  /** A partition with lag and no progress this long makes ingest unhealthy, ms (default 5 min). */
  stallMs?: number;
  /** How often lag is sampled, ms (default 10 s). */
  lagIntervalMs?: number;
  clock?: Clock;
  log?: (message: string) => void;
}

export function createIngestService(options: IngestServiceOptions): IngestService {
  const clock = options.clock ?? systemClock;
  const tracker = new ProgressTracker();
  const metrics = options.meter ? createIngestMetrics(options.meter, () => tracker.lagByPartition()) : undefined;
  const writer = createAttemptWriter({
    clickhouse: options.clickhouse,
    source: options.source,
    maxRows: options.maxRows,
    deadLetters: options.deadLetters,
    metrics,
    log: options.log,
  });
  let lagError: string | null = null;
  const sampleLag = async () => {
    if (!options.subscriber.lag) return;
    try {
      tracker.observe(await options.subscriber.lag(), clock.now());
      lagError = null;
    } catch (err) {
      lagError = (err as Error).message;
    }
  };
  const lagLoop = new PeriodicTask(sampleLag, options.lagIntervalMs ?? 10_000);
  const stallMs = options.stallMs ?? 300_000;
  return {
    stats: writer.stats,
    start: async () => {
      await options.subscriber.start(writer.handle);
      lagLoop.start();
    },
    stop: async () => {
      await lagLoop.stop();
      await options.subscriber.stop();
      await options.deadLetters?.close();
    },
    health: async () => {
      const stalled = tracker.stalled(clock.now(), stallMs);
      return {
        ok: stalled.length === 0,
        checks: {
          ingest: {
            stalled_partitions: stalled,
            lag: tracker.lagByPartition(),
            lag_error: lagError,
            stored: writer.stats.stored,
            rejected: writer.stats.rejected,
            duplicates_removed: writer.stats.duplicates,
          },
        },
      };
    },
  };
}
