import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { AttemptSubscriber, LagProbe, PartitionLag } from '../core/transport/event-bus.ts';
import { createIngestService } from './ingest-service.ts';
import { until } from '../test/support/wait.ts';

test('ingest reports unhealthy when a partition lags without progress for the stall time, and healthy again once it moves', async () => {
  let now = 0;
  let samples: PartitionLag[] = [{ partition: 0, committed: '10', high: '60', lag: 50 }];
  let sampled = 0;
  const subscriber: AttemptSubscriber & LagProbe = {
    start: async () => {},
    stop: async () => {},
    lag: async () => {
      sampled++;
      return samples;
    },
  };
  const service = createIngestService({
    subscriber,
    clickhouse: {} as ClickHouseClient,
    source: 's',
    stallMs: 60_000,
    lagIntervalMs: 5,
    clock: { now: () => now },
  });
  await service.start();
  await until('a first lag sample', async () => sampled > 0);
  assert.equal((await service.health()).ok, true);
  now = 61_000;
  const stuck = sampled;
  await until('another sample', async () => sampled > stuck);
  const report = await service.health();
  assert.equal(report.ok, false);
  assert.deepEqual((report.checks.ingest as { stalled_partitions: unknown[] }).stalled_partitions, [{ partition: 0, lag: 50, stalledForMs: 61_000 }]);
  samples = [{ partition: 0, committed: '40', high: '60', lag: 20 }];
  const moved = sampled;
  await until('a sample after progress', async () => sampled > moved);
  assert.equal((await service.health()).ok, true);
  await service.stop();
});
