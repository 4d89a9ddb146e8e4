import { readFileSync } from 'node:fs';
import { residentKb } from '../cli/storage-process/storage-memory-metrics.ts';

// Memory of a target process as the overhead benches sample it (Linux /proc, and the ops server's /metrics).

/**
 * A process's resident memory as the kernel counts it (/proc/<pid>/status), MB; zeros when it is
 * gone. `rss` is the whole (VmRSS); `anon` private memory (heaps, chDB's caches and buffers: where
 * a leak shows); `file` pages of mapped files (for the storage process nearly all the 540 MB
 * libchdb.so's code, faulted in as code paths first run; shared and clean, so the kernel can drop them).
 */
export function rssPartsMb(pid: number | 'self'): { rss: number; anon: number; file: number } {
  const kb = residentKb(pid) ?? { rss: 0, anon: 0, file: 0 };
  return { rss: Math.round(kb.rss / 1024), anon: Math.round(kb.anon / 1024), file: Math.round(kb.file / 1024) };
}

/** Resident set size of a process (its /proc status VmRSS), MB; 0 when it is gone. */
export function rssMb(pid: number): number {
  return rssPartsMb(pid).rss;
}

/** The same parts summed over the process's children (the storage process of `switchyard all`), MB. */
export function childRssPartsMb(pid: number): { rss: number; anon: number; file: number } {
  let kids: string[];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    kids = [];
  }
  const sum = { rss: 0, anon: 0, file: 0 };
  for (const k of kids) {
    const parts = rssPartsMb(Number(k));
    sum.rss += parts.rss;
    sum.anon += parts.anon;
    sum.file += parts.file;
  }
  return sum;
}

/** RSS of the process's children (the storage process of `switchyard all`), MB. */
export function childRssMb(pid: number): number {
  return childRssPartsMb(pid).rss;
}

/** The serving process's V8 heap in use (its /metrics gauge v8js.memory.heap.used), MB; null without an ops server. */
export async function heapMb(opsUrl: string | undefined): Promise<number | null> {
  return (await opsMemoryMb(opsUrl)).heap;
}

/**
 * From one read of the ops /metrics, MB (null when absent): the collector's V8 heap in use, and
 * its storage process's V8 heap total and what chDB's memory tracker counts
 * (`switchyard_storage_memory`, cli/storage-process/storage-memory-metrics.ts).
 */
export async function opsMemoryMb(
  opsUrl: string | undefined,
): Promise<{ heap: number | null; storageHeapTotal: number | null; storageTracked: number | null }> {
  const none = { heap: null, storageHeapTotal: null, storageTracked: null };
  if (!opsUrl) return none;
  let text: string;
  try {
    text = await (await fetch(`${opsUrl}/metrics`)).text();
  } catch {
    return none;
  }
  const mb = (re: RegExp) => {
    const m = re.exec(text);
    return m ? Math.round((Number(m[1]) / 1048576) * 10) / 10 : null;
  };
  return {
    heap: mb(/^v8js_memory_heap_used\S*\s+([\d.e+]+)/m),
    storageHeapTotal: mb(/^switchyard_storage_memory\{switchyard_memory_part="v8_heap_total"[^}]*\}\s+([\d.e+]+)/m),
    storageTracked: mb(/^switchyard_storage_memory\{switchyard_memory_part="clickhouse_tracked"[^}]*\}\s+([\d.e+]+)/m),
  };
}

/** The whole machine's CPU time since boot, jiffies (/proc/stat `cpu` line): [busy, total]. */
function machineCpu(): [number, number] {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  // idle and iowait are the quiet part; steal is time the machine did not have.
  return [total - (f[3] ?? 0) - (f[4] ?? 0), total];
}

/**
 * Waits until the machine is quiet — below `busyShare` of all its cores busy in each of two
 * consecutive `windowMs` windows — or `maxMs` passed. Run between targets: a target still working
 * off its previous run (Portkey after an overload answers its last requests seconds late, and the
 * processes it loaded drain after) would otherwise charge that CPU to the next target's run.
 * Resolves with the ms waited and whether quiet was reached.
 */
export async function settle(busyShare = 0.25, windowMs = 500, maxMs = 30_000): Promise<{ waited_ms: number; quiet: boolean }> {
  const started = performance.now();
  let quietWindows = 0;
  let [busy0, total0] = machineCpu();
  while (performance.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, windowMs));
    const [busy, total] = machineCpu();
    const share = total > total0 ? (busy - busy0) / (total - total0) : 0;
    [busy0, total0] = [busy, total];
    quietWindows = share < busyShare ? quietWindows + 1 : 0;
    if (quietWindows >= 2) return { waited_ms: Math.round(performance.now() - started), quiet: true };
  }
  return { waited_ms: Math.round(performance.now() - started), quiet: false };
}
