import { closeSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';

/** What ClickHouse's file() expands as a pattern in a path: `{a,b}`, `*`, `?`, `[…]`. */
const ENGINE_GLOB = /[{}*?[\]]/;

/** Node errors that say the file itself could not be written, not that something else failed. */
const FILE_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENOENT']);

/** ClickHouse error types of its file() writer failing on the file. */
const FILE_CLICKHOUSE = new Set([
  'CANNOT_OPEN_FILE',
  'FILE_DOESNT_EXIST',
  'CANNOT_WRITE_TO_FILE_DESCRIPTOR',
  'CANNOT_FSYNC',
  'CANNOT_TRUNCATE_FILE',
  'CANNOT_CLOSE_FILE',
  'NOT_ENOUGH_SPACE',
]);

export interface OutFileRules {
  /** The engine (chDB) writes the path itself, so its glob characters must not appear. */
  engineWrites?: boolean;
  /** Only a regular file may be overwritten (the metadata goes beside it), never a device or pipe. */
  regularOnly?: boolean;
}

/**
 * Checks before any work that `path`, given as `flag`, can be written as a file: its directory
 * exists (nothing is created), the path is not a directory, and a file there can be opened for
 * writing (probed without truncating; a probe file is removed again).
 * @throws ConfigError one line naming the flag, the path and what is wrong
 */
export function checkOutFile(flag: string, path: string, rules: OutFileRules = {}): void {
  const bad = (what: string) => new ConfigError(`${flag} ${JSON.stringify(path)}: ${what}`);
  if (rules.engineWrites && ENGINE_GLOB.test(path)) throw bad('the characters { } * ? [ ] would be read as a file pattern; choose a name without them');
  if (/[\\/]$/.test(path)) throw bad('names a directory; give a file name');
  const full = resolve(path);
  const dir = dirname(full);
  const parent = statOf(dir);
  if (typeof parent === 'string')
    throw bad(parent === 'ENOENT' ? `directory ${dir} does not exist; create it first` : `${dir} is not a usable directory (${parent})`);
  if (!parent.isDirectory()) throw bad(`${dir} is not a directory`);
  const existing = statOf(full);
  if (typeof existing !== 'string') {
    if (existing.isDirectory()) throw bad('is a directory; give a file name inside it');
    if (rules.regularOnly && !existing.isFile()) throw bad('exists and is not a regular file');
  }
  try {
    closeSync(openSync(full, 'a'));
    if (typeof existing === 'string') unlinkSync(full);
  } catch (err) {
    throw bad(`cannot create or write a file in ${dir} (${errnoReason(err)})`);
  }
}

/**
 * Runs `work`, which writes `path`; a failure of the file itself (disk full, permission, the
 * engine's file writer) becomes one line naming the flag. Any other failure passes through.
 */
export async function writingOutFile<T>(flag: string, path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const reason = fileFailure(err);
    if (reason) throw new ConfigError(`${flag} ${JSON.stringify(path)}: writing failed (${reason})`);
    throw err;
  }
}

function fileFailure(err: unknown): string | undefined {
  const e = err as { code?: unknown; type?: unknown; syscall?: unknown; message?: unknown };
  if (typeof e.code === 'string' && typeof e.syscall === 'string' && FILE_ERRNO.has(e.code)) return errnoReason(err);
  if (typeof e.type === 'string' && FILE_CLICKHOUSE.has(e.type)) return `${String(e.message).split('\n')[0]!.trim()} (${e.type})`;
  return undefined;
}

/** `ENOSPC: no space left on device`, without the path Node appends (the caller names it). */
function errnoReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, \w+( '.*')?$/s, '');
}

function statOf(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    return String((err as { code?: unknown }).code ?? 'unknown error');
  }
}
