import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePrometheusText } from './storage-metrics.ts';

test('merged /metrics: the collector first, then the storage families it does not declare (target_info once)', () => {
  const collector = [
    '# HELP target_info Target metadata',
    '# TYPE target_info gauge',
    'target_info{service_name="a"} 1',
    '# TYPE overhead histogram',
    'overhead_count 5',
    '',
  ].join('\n');
  const storage = [
    '# HELP target_info Target metadata',
    '# TYPE target_info gauge',
    'target_info{service_name="b"} 1',
    '# HELP switchyard_ingest_rows_total rows',
    '# TYPE switchyard_ingest_rows_total counter',
    'switchyard_ingest_rows_total 5',
    '',
  ].join('\n');
  const merged = mergePrometheusText(collector, storage);
  assert.equal((merged.match(/# TYPE target_info/g) ?? []).length, 1);
  assert.match(merged, /target_info\{service_name="a"\} 1/);
  assert.doesNotMatch(merged, /service_name="b"/);
  assert.match(
    merged,
    /overhead_count 5\n# HELP switchyard_ingest_rows_total rows\n# TYPE switchyard_ingest_rows_total counter\nswitchyard_ingest_rows_total 5\n$/,
  );
  assert.equal(mergePrometheusText(collector, ''), collector);
});
