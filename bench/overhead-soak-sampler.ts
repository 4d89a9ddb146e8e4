import { childRssPartsMb, opsMemoryMb, rssMb } from './overhead-process-stats.ts';
import type { SoakMemorySample } from './overhead-soak-stats.ts';

/**
 * Samples the memory of `switchyard all` (collector RSS and heap, storage process RSS and its parts) every
 * `everyMs` until `stop()`, one sample at a time (a slow /metrics answer delays the next instead of
 * piling up). Often enough that each minute holds a sample near the bottom of the GC sawtooth
 * (every 2 s: floors within ~10 MB of the true one; every 10 s: off by tens of MB, see
 * overhead-soak-stats.accuracy.test.ts). `t0` is performance.now() at the load's start.
 */
export function startMemorySampler(target: { pid: number; opsUrl?: string }, t0: number, everyMs = 2000): { stop(): Promise<SoakMemorySample[]> } {
  const samples: SoakMemorySample[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const take = async () => {
    const ops = await opsMemoryMb(target.opsUrl);
    const child = childRssPartsMb(target.pid);
    samples.push({
      t_s: Math.round(performance.now() - t0) / 1000,
      rss_mb: rssMb(target.pid),
      child_rss_mb: child.rss,
      child_rss_anon_mb: child.anon,
      child_rss_file_mb: child.file,
      heap_mb: ops.heap,
      child_heap_total_mb: ops.storageHeapTotal ?? undefined,
      child_clickhouse_tracked_mb: ops.storageTracked ?? undefined,
    });
  };
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    const started = performance.now();
    running = take().finally(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(0, everyMs - (performance.now() - started)));
    });
  };
  loop();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      return samples;
    },
  };
}
