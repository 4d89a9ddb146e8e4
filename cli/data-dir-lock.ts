import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process holds the embedded data directory; the message says what to do. */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(
      `another Switchyard process${pid ? ` (pid ${pid})` : ''} holds the data directory ${dataDir}. ` +
        `Stop it${pid ? ` (kill ${pid})` : ''}, give this command its own directory with SWITCHYARD_DATA=…, ` +
        'or use the running service instead (its GraphQL API, or CLICKHOUSE_URL for a ClickHouse server).',
    );
  }
}

/** Held lock: call `release` at the end of the command (also safe to call twice). */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

const LOCK_FILE = 'switchyard.pid';

/**
 * Takes `<dataDir>/switchyard.pid` with an exclusive create. chDB allows one process per data
 * path and fails deep inside ClickHouse otherwise; this turns that into a clear, early error.
 * A lock whose pid is no longer alive (kill -9, power loss) is stale and taken over.
 * `isAlive` is injectable for tests. Throws DataDirBusyError when a live process holds it.
 */
export function lockDataDir(dataDir: string, isAlive: (pid: number) => boolean = processAlive): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        if (readPid(file) === process.pid) rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readPid(file);
      if (pid !== null && pid !== process.pid && isAlive(pid)) throw new DataDirBusyError(dataDir, pid);
      // Stale (dead pid, or unreadable): remove and retry the exclusive create.
      rmSync(file, { force: true });
    }
  }
  throw new DataDirBusyError(dataDir, readPid(file));
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** chDB's own refusal when a process without our lock file holds the path. */
export function isClickHouseLockError(err: unknown): boolean {
  return err instanceof Error && /Cannot lock file/i.test(err.message);
}
