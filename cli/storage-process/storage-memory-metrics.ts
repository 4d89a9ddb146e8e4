import { readFileSync } from 'node:fs';
import type { Meter } from '@opentelemetry/api';

/** The parts `switchyard.storage.memory` reports, by its `switchyard.memory.part` attribute. */
export type StorageMemoryPart = 'v8_heap_total' | 'v8_heap_used' | 'v8_external' | 'rss_anon' | 'rss_file' | 'clickhouse_tracked';

/**
 * The storage process's memory split the way a soak needs it, bytes per part:
 * - `v8_heap_total` / `v8_heap_used`: Node's heap (`process.memoryUsage()`);
 * - `v8_external`: memory outside that heap held by JavaScript objects (Buffers and other
 *   ArrayBuffers: insert bodies, IPC messages; `process.memoryUsage().external`), part of the
 *   native part below;
 * - `rss_anon` / `rss_file`: resident memory as the kernel counts it (`RssAnon`, `RssFile` of
 *   `/proc/self/status`; absent where there is no procfs). `rss_file` is nearly all libchdb.so's
 *   code; `rss_anon` is the V8 heap plus chDB's and Node's native allocations;
 * - `clickhouse_tracked`: what the embedded engine's own memory tracker counts
 *   (`MemoryTracking` in `system.metrics`); absent when the query fails (a read of /metrics must
 *   not fail because the engine is busy or away).
 * So `rss_anon − v8_heap_total` is the native part, and its share the engine does not track is
 * `rss_anon − v8_heap_total − clickhouse_tracked` (jemalloc's retained pages, thread stacks,
 * Node's own). The collector's `v8js_memory_heap_used` is its own heap: the storage process's
 * family of that name is dropped when the two /metrics are merged, hence a name of its own.
 *
 * @param trackedBytes the engine's MemoryTracking in bytes, or null when it cannot be read
 */
export function observeStorageMemory(meter: Meter, trackedBytes: () => Promise<number | null>): void {
  meter
    .createObservableGauge('switchyard.storage.memory', {
      unit: 'By',
      description: 'Memory of the storage process of `switchyard all`, by part (V8 heap, V8 external, resident anon/file, ClickHouse-tracked)',
    })
    .addCallback(async (result) => {
      for (const [part, bytes] of Object.entries(await storageMemory(trackedBytes))) result.observe(bytes, { 'switchyard.memory.part': part });
    });
}

/** One reading of every part that can be read now, bytes. */
async function storageMemory(trackedBytes: () => Promise<number | null>): Promise<Partial<Record<StorageMemoryPart, number>>> {
  const heap = process.memoryUsage();
  const out: Partial<Record<StorageMemoryPart, number>> = { v8_heap_total: heap.heapTotal, v8_heap_used: heap.heapUsed, v8_external: heap.external };
  const rss = residentKb();
  if (rss) {
    out.rss_anon = rss.anon * 1024;
    out.rss_file = rss.file * 1024;
  }
  const tracked = await trackedBytes().catch(() => null);
  if (tracked !== null && Number.isFinite(tracked)) out.clickhouse_tracked = tracked;
  return out;
}

/**
 * A process's resident memory as the kernel counts it (`/proc/<pid>/status`), kB: `rss` the whole
 * (VmRSS), `anon` private pages (RssAnon), `file` pages of mapped files (RssFile). Null where there
 * is no procfs or the process is gone. The soak benches read their targets with it too.
 */
export function residentKb(pid: number | 'self' = 'self'): { rss: number; anon: number; file: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  const [rss, anon, file] = ['VmRSS', 'RssAnon', 'RssFile'].map(kb);
  return rss && anon && file ? { rss: Number(rss), anon: Number(anon), file: Number(file) } : null;
}
