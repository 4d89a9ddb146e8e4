import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * How the storage process of `switchyard all` is started so that its CPU use never delays a
 * request: `idle` runs it (every thread chDB starts included) under Linux's SCHED_IDLE class via
 * `chrt --idle 0` — it gets only CPU time no normal-class thread wants, and a request handler
 * waking up preempts it at once; `nice` (where chrt is missing or refused) lowers its niceness,
 * which still lets a storage thread hold a core for a scheduler slice before the collector runs.
 * Measured side by side (docs/performance.md): at 1,000 req/s on 2 cores the collector's p50 was
 * 10–27 ms with the child at niceness 5, 5–6 ms at 19, 1.1–1.2 ms under SCHED_IDLE.
 */
export interface StorageLaunch {
  scheduling: 'idle' | 'nice';
  /** What `fork` runs: node itself, or chrt, which then executes node with the same arguments. */
  execPath: string;
  /** Arguments before the child's entry module (chrt's own, then node's). */
  execArgv: string[];
}

/** The fork options for the child: under chrt when `chrt` is a usable path, else node directly (the caller lowers the niceness). */
export function storageLaunch(nodePath: string, nodeArgs: readonly string[], chrt: string | null): StorageLaunch {
  if (!chrt) return { scheduling: 'nice', execPath: nodePath, execArgv: [...nodeArgs] };
  return { scheduling: 'idle', execPath: chrt, execArgv: ['--idle', '0', nodePath, ...nodeArgs] };
}

const CHRT_PATHS = ['/usr/bin/chrt', '/bin/chrt'];

/**
 * The chrt binary (util-linux) if this system has one and it may put a process in SCHED_IDLE
 * (tried once on `true`: a seccomp profile may refuse the call); null on other systems.
 */
export function usableChrt(candidates: readonly string[] = CHRT_PATHS): string | null {
  if (process.platform !== 'linux') return null;
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      execFileSync(path, ['--idle', '0', 'true'], { stdio: 'ignore', timeout: 5000 });
      return path;
    } catch {
      // Present but refused: fall back to niceness.
    }
  }
  return null;
}
