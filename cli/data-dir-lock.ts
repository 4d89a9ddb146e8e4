import { mkdirSync, openSync, readFileSync, rmdirSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Another live process holds the embedded data directory; the message says what to do.
 * `instead`: how this command's answer is had from the holder's API (e.g. the HTTP FOCUS export),
 * when the holder serves one and the command has such a way; else the GraphQL API in general.
 */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
    instead?: string,
  ) {
    super(
      `another Switchyard process${pid ? ` (pid ${pid})` : ''} holds the data directory ${dataDir}. ` +
        `Stop it${pid ? ` (kill ${pid})` : ''}, give this command its own directory with SWITCHYARD_DATA=…, ` +
        (instead
          ? `or ask the running service: ${instead}`
          : 'or use the running service instead (its GraphQL API, or CLICKHOUSE_URL for a ClickHouse server).'),
    );
  }
}

/**
 * What a command run against a busy data directory can ask the holder's API instead, given the
 * API's base URL (`http://host:port`, no path): a sentence naming the request.
 */
export type AskTheHolder = (apiBase: string) => string;

/** Held lock: call `release` at the end of the command (also safe to call twice). */
export interface DataDirLock {
  readonly file: string;
  /**
   * Records where this process serves its API (`http://host:port`), so a command refused the
   * directory meanwhile can name the request that gets its answer from us. Removed on release.
   */
  advertiseApi(apiBase: string): void;
  release(): void;
}

const LOCK_FILE = 'switchyard.pid';
const API_FILE = 'switchyard.api';

/**
 * Takes `<dataDir>/switchyard.pid` with an exclusive create. chDB allows one process per data
 * path and fails deep inside ClickHouse otherwise; this turns that into a clear, early error.
 * A lock whose pid is no longer alive (kill -9, power loss) is stale and taken over.
 * `isAlive` is injectable for tests. Throws DataDirBusyError when a live process holds it; with
 * `askTheHolder`, and a holder that advertised its API, the message names that request.
 */
export function lockDataDir(dataDir: string, isAlive: (pid: number) => boolean = processAlive, askTheHolder?: AskTheHolder): DataDirLock {
  // The first directory this call created, if any: what release may take away again when unused.
  const created = mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  const apiFile = join(dataDir, API_FILE);
  const busy = (pid: number | null) => {
    const api = askTheHolder ? readText(apiFile) : null;
    return new DataDirBusyError(dataDir, pid, api && askTheHolder ? askTheHolder(api) : undefined);
  };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      // A file left by a holder killed before its release would name a dead API.
      rmSync(apiFile, { force: true });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        rmSync(apiFile, { force: true });
        if (readPid(file) === process.pid) rmSync(file, { force: true });
        if (created) removeEmptyUpTo(dataDir, created);
      };
      process.once('exit', release);
      const advertiseApi = (apiBase: string) => {
        if (held) writeFileSync(apiFile, `${apiBase}\n`);
      };
      return { file, release, advertiseApi };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readPid(file);
      if (pid !== null && pid !== process.pid && isAlive(pid)) throw busy(pid);
      // Stale (dead pid, or unreadable): remove and retry the exclusive create.
      rmSync(file, { force: true });
    }
  }
  throw busy(readPid(file));
}

/**
 * Removes `dir` and its parents up to `top`, each only while empty: a run that failed before
 * storing anything (a bad routes file, a taken port) leaves no empty data directory behind,
 * and a directory that was there before, or holds anything, is never touched.
 */
function removeEmptyUpTo(dir: string, top: string): void {
  const stop = resolve(top);
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone, or not ours to remove): stop here
    }
    if (d === stop || dirname(d) === d) return;
  }
}

function readPid(file: string): number | null {
  const pid = Number(readText(file));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** The file's trimmed text; null when it is missing, unreadable or empty. */
function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
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
