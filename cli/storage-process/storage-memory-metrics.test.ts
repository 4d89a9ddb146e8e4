import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '../../core/telemetry/metrics.ts';
import { observeStorageMemory } from './storage-memory-metrics.ts';
import { storageMallocEnv } from './storage-supervisor.ts';

const parts = (text: string) =>
  Object.fromEntries([...text.matchAll(/^switchyard_storage_memory\{switchyard_memory_part="(\w+)"[^}]*\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));

test('switchyard_storage_memory: V8 heap and external, resident anon and file, and what the engine tracks, in bytes', async () => {
  const metrics = createMetrics();
  // An insert body's worth of Buffer held outside the V8 heap.
  const held = Buffer.alloc(32 << 20, 1);
  try {
    observeStorageMemory(metrics.meter, async () => 41_943_040);
    const p = parts(await metrics.text());
    assert.ok(p.v8_external! >= held.length, JSON.stringify(p));
    assert.deepEqual(Object.keys(p).sort(), ['clickhouse_tracked', 'rss_anon', 'rss_file', 'v8_external', 'v8_heap_total', 'v8_heap_used']);
    assert.equal(p.clickhouse_tracked, 41_943_040);
    assert.ok(p.v8_heap_used! <= p.v8_heap_total!, JSON.stringify(p));
    // The heap lives in private memory: resident anon holds at least the part of it that is touched.
    assert.ok(p.rss_anon! >= p.v8_heap_used!, JSON.stringify(p));
  } finally {
    await metrics.shutdown();
  }
});

test('switchyard_storage_memory: an engine that cannot answer leaves its part out, the rest is still served', async () => {
  const metrics = createMetrics();
  try {
    observeStorageMemory(metrics.meter, () => Promise.reject(new Error('chDB session busy')));
    const p = parts(await metrics.text());
    assert.equal(p.clickhouse_tracked, undefined);
    assert.ok(p.v8_heap_total! > 0 && p.rss_anon! > 0, JSON.stringify(p));
  } finally {
    await metrics.shutdown();
  }
});

test('the storage process gets a fixed glibc mmap threshold unless the environment already chose one', () => {
  assert.deepEqual(storageMallocEnv({}), { MALLOC_MMAP_THRESHOLD_: '131072' });
  assert.deepEqual(storageMallocEnv({ MALLOC_MMAP_THRESHOLD_: '65536' }), {});
  assert.deepEqual(storageMallocEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=262144' }), {});
  assert.deepEqual(storageMallocEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }), { MALLOC_MMAP_THRESHOLD_: '131072' });
});
