import type { Meter } from '@opentelemetry/api';

/** What ingest reports about itself; a no-op when no meter is given. */
export interface IngestMetrics {
  batchStored(rows: number, insertMs: number, delaysMs: number[]): void;
  rejected(count: number, stage: 'validation' | 'insert'): void;
  batchFailed(): void;
  /** Copies of already stored attempts that ingest removed before inserting. */
  duplicatesRemoved(count: number): void;
}

export const noIngestMetrics: IngestMetrics = { batchStored() {}, rejected() {}, batchFailed() {}, duplicatesRemoved() {} };

export function createIngestMetrics(meter: Meter, lagByPartition: () => Array<{ partition: number; lag: number }>): IngestMetrics {
  const rows = meter.createCounter('switchyard.ingest.rows', { description: 'Attempt rows stored in ClickHouse' });
  const rejected = meter.createCounter('switchyard.ingest.rejected', { description: 'Messages dead-lettered, by stage' });
  const duplicates = meter.createCounter('switchyard.ingest.duplicates_removed', {
    description: 'Attempts delivered again (same attempt_id) and removed before the insert',
  });
  const failures = meter.createCounter('switchyard.ingest.batch_failures', { description: 'Batch writes that failed and will be retried' });
  const batchRows = meter.createHistogram('switchyard.ingest.batch_rows', {
    description: 'Rows per insert',
    advice: { explicitBucketBoundaries: [1, 10, 100, 1000, 5000, 10000, 50000] },
  });
  const insertMs = meter.createHistogram('switchyard.ingest.insert_duration', { unit: 'ms', description: 'Time to validate and insert one batch' });
  const delayMs = meter.createHistogram('switchyard.ingest.event_to_queryable_delay', {
    unit: 'ms',
    description: 'From the end of an attempt to its row being queryable',
    advice: { explicitBucketBoundaries: [10, 50, 100, 250, 500, 1000, 2000, 3000, 5000, 10000, 30000, 60000] },
  });
  meter.createObservableGauge('switchyard.ingest.consumer_lag', { description: 'Messages not yet committed, per partition' }).addCallback((result) => {
    for (const { partition, lag } of lagByPartition()) result.observe(lag, { partition });
  });
  // Counters exported at 0 from the start: an alert rule on a rate must see a series before the first event.
  rows.add(0);
  for (const stage of ['validation', 'insert'] as const) rejected.add(0, { stage });
  duplicates.add(0);
  failures.add(0);
  return {
    batchStored(n, ms, delays) {
      rows.add(n);
      batchRows.record(n);
      insertMs.record(ms);
      for (const d of delays) delayMs.record(Math.max(0, d));
    },
    rejected: (n, stage) => rejected.add(n, { stage }),
    batchFailed: () => failures.add(1),
    duplicatesRemoved: (n) => duplicates.add(n),
  };
}
