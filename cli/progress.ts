/**
 * Progress of a long command on stderr, so `--json` stdout stays one clean object. On a terminal
 * the line is redrawn in place; otherwise (CI logs, pipes) one line at most every `everyMs`.
 */
export interface Progress {
  /** Reports `done` of `total` units, with an optional note (e.g. failures so far). */
  update(done: number, total: number, note?: string): void;
  /** Prints the final state and ends the line. */
  finish(message: string): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Minimum time between two non-terminal lines, ms. */
  everyMs?: number;
  now?: () => number;
}

/** Creates a progress reporter labelled `label` (e.g. `drill outage`). */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const everyMs = options.everyMs ?? 2000;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total, note) {
      const t = now();
      if (done < total && t - last < (tty ? 100 : everyMs)) return;
      last = t;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      const line = `${label}: ${done}/${total} (${pct}%)${note ? `, ${note}` : ''}`;
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else stream.write(`${line}\n`);
    },
    finish(message) {
      stream.write(`${tty && drawn ? '\r\x1b[2K' : ''}${label}: ${message}\n`);
    },
  };
}
