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

/** RSS of the process's children (the storage process of `switchyard all`), MB. */
export function childRssMb(pid: number): number {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.reduce((sum, k) => sum + rssMb(Number(k)), 0);
  } catch {
    return 0;
  }
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
