import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEmissionMetrics } from '../core/telemetry/emission-metrics.ts';
import { createMetrics } from '../core/telemetry/metrics.ts';
import { createIngestMetrics } from './ingest-metrics.ts';

test('counters an alert rule reads are on /metrics at 0 before anything happened (the README lists them)', async () => {
  const metrics = createMetrics();
  try {
    createIngestMetrics(metrics.meter, () => []);
    createEmissionMetrics(metrics.meter, () => null);
    const text = await metrics.text();
    for (const series of [
      /^switchyard_ingest_rows_total(\{[^}]*\})? 0$/m,
      /^switchyard_ingest_rejected_total\{stage="validation"[^}]*\} 0$/m,
      /^switchyard_ingest_rejected_total\{stage="insert"[^}]*\} 0$/m,
      /^switchyard_ingest_duplicates_removed_total(\{[^}]*\})? 0$/m,
      /^switchyard_ingest_batch_failures_total(\{[^}]*\})? 0$/m,
      /^switchyard_emission_refused_requests_total\{[^}]*switchyard_reason="event_spool_full"[^}]*\} 0$/m,
      /^switchyard_emission_refused_requests_total\{[^}]*switchyard_reason="event_buffer_full"[^}]*\} 0$/m,
    ])
      assert.match(text, series);
  } finally {
    await metrics.shutdown();
  }
});
