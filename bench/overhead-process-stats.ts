import { readFileSync } from 'node:fs';

// Memory of a target process as the overhead benches sample it (Linux /proc, and the ops server's /metrics).

/** Resident set size of a process (its /proc status VmRSS), MB; 0 when it is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Pids of the process's children (the storage process of `switchyard all`); [] when it is gone. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** RSS of the process's children (the storage process of `switchyard all`), MB. */
export function childRssMb(pid: number): number {
  return childPids(pid).reduce((sum, k) => sum + rssMb(k), 0);
}

/**
 * The children's RSS split as the kernel counts it (/proc status), MB: `anon` is private memory
 * (heaps, chDB's caches and buffers: where a leak shows), `file` pages of mapped files (mostly the
 * 540 MB libchdb.so's code, faulted in as code paths first run; shared and clean, so the kernel can
 * drop them), `shmem` shared memory.
 */
export function childRssPartsMb(pid: number): { anon: number; file: number; shmem: number } {
  const parts = { anon: 0, file: 0, shmem: 0 };
  for (const k of childPids(pid)) {
    try {
      const status = readFileSync(`/proc/${k}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
      parts.anon += kb('RssAnon') / 1024;
      parts.file += kb('RssFile') / 1024;
      parts.shmem += kb('RssShmem') / 1024;
    } catch {
      // gone between listing and reading: counts as nothing, like rssMb
    }
  }
  return { anon: Math.round(parts.anon), file: Math.round(parts.file), shmem: Math.round(parts.shmem) };
}

/** The serving process's V8 heap in use (its /metrics gauge v8js.memory.heap.used), MB; null without an ops server. */
export async function heapMb(opsUrl: string | undefined): Promise<number | null> {
  if (!opsUrl) return null;
  try {
    const text = await (await fetch(`${opsUrl}/metrics`)).text();
    const m = /^v8js_memory_heap_used\S*\s+([\d.e+]+)/m.exec(text);
    return m ? Math.round((Number(m[1]) / 1048576) * 10) / 10 : null;
  } catch {
    return null;
  }
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
