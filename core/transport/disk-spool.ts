import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.ts';

/** One event as it waits on disk: the transport key (request id) and the serialized event. */
export interface SpooledMessage {
  key: string | null;
  value: string;
}

export interface SpoolSegment {
  file: string;
  messages: SpooledMessage[];
  /** Written by this process (so its events are still owed a flush acknowledgement here). */
  ownedByThisProcess: boolean;
}

/** How much the spool may hold; past either bound `append` refuses with `SpoolFullError`. */
export interface SpoolLimits {
  /** Bytes of segment files at most (default 1 GiB). */
  maxBytes?: number;
  /** Segment files at most (default 20,000). */
  maxSegments?: number;
}

/** What waits on disk now. */
export interface SpoolDepth {
  events: number;
  segments: number;
  bytes: number;
  /** When the oldest waiting segment was written, ms since the epoch; null when empty. */
  oldestAt: number | null;
}

/** A segment on disk that does not parse (disk corruption): moved aside as `<file>.corrupt`, never deleted. */
export class SpoolCorruptError extends Error {
  override readonly name = 'SpoolCorruptError';
  constructor(
    message: string,
    /** Events the segment was written with. */
    readonly events: number,
  ) {
    super(message);
  }
}

/** The spool is at its configured bound: the caller keeps the events in memory and pushes back. */
export class SpoolFullError extends Error {
  override readonly name = 'SpoolFullError';
}

interface SegmentInfo {
  file: string;
  events: number;
  bytes: number;
  createdAt: number;
}

// <created ms, 15 digits>-<session>-<sequence, 9 digits>[-n<events>].jsonl; older releases wrote
// no event count, so such segments are counted once, at startup, by reading them.
const SEGMENT_NAME = /^(\d{15})-([0-9a-f]{8})-(\d{9})(?:-n(\d+))?\.jsonl$/;

/**
 * Append-only segments on disk for events a transport could not hand over yet. Each `append`
 * writes one segment, fsyncs it, renames it into place and fsyncs the directory before resolving,
 * so a segment is either whole and durable or absent. Segments are read back oldest first and
 * deleted only after their events were acknowledged: a crash replays at most the segment in
 * flight (ingest removes the copies by attempt_id) and never loses one.
 */
export class DiskSpool {
  private readonly session = randomUUID().slice(0, 8);
  private sequence = 0;
  private pending: SegmentInfo[];
  private events = 0;
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxSegments: number;

  constructor(
    private readonly dir: string,
    limits: SpoolLimits = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.maxBytes = limits.maxBytes ?? 1024 ** 3;
    this.maxSegments = limits.maxSegments ?? 20_000;
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir);
    // A .tmp file is a write the process did not finish: its events were never acknowledged as spooled.
    for (const f of names.filter((n) => n.endsWith('.jsonl.tmp'))) rmSync(join(dir, f), { force: true });
    // Segments left by earlier processes come first: names sort by creation time.
    this.pending = names
      .filter((f) => SEGMENT_NAME.test(f))
      .sort()
      .map((file) => this.describeExisting(file));
    for (const s of this.pending) this.count(s, 1);
  }

  get hasData(): boolean {
    return this.pending.length > 0;
  }

  get segments(): number {
    return this.pending.length;
  }

  /** O(1): asked on every request by the collector's gate. */
  depth(): SpoolDepth {
    return { events: this.events, segments: this.pending.length, bytes: this.bytes, oldestAt: this.pending[0]?.createdAt ?? null };
  }

  /**
   * Writes one durable segment; throws `SpoolFullError` when it would pass a bound, unless `force`
   * (shutdown, where the alternative is losing the events).
   */
  async append(messages: readonly SpooledMessage[], o: { force?: boolean } = {}): Promise<void> {
    if (messages.length === 0) return;
    const text = messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
    const size = Buffer.byteLength(text);
    const { bytes, segments } = this.depth();
    if (!o.force && segments + 1 > this.maxSegments) throw new SpoolFullError(`event spool full: ${segments} of ${this.maxSegments} segments`);
    if (!o.force && bytes + size > this.maxBytes) throw new SpoolFullError(`event spool full: ${bytes + size} bytes would pass the bound of ${this.maxBytes}`);
    const createdAt = this.clock.now();
    const file = `${String(createdAt).padStart(15, '0')}-${this.session}-${String(this.sequence++).padStart(9, '0')}-n${messages.length}.jsonl`;
    const handle = await open(join(this.dir, `${file}.tmp`), 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Rename after fsync: a segment is either whole or absent; the directory fsync makes the rename durable.
    await rename(join(this.dir, `${file}.tmp`), join(this.dir, file));
    await syncDirectory(this.dir);
    const info = { file, events: messages.length, bytes: size, createdAt };
    this.pending.push(info);
    this.count(info, 1);
  }

  async oldest(): Promise<SpoolSegment | null> {
    const first = this.pending[0];
    if (!first) return null;
    const path = join(this.dir, first.file);
    let messages: SpooledMessage[];
    try {
      messages = parseLines(await readFile(path, 'utf8'));
    } catch {
      // Writes are atomic, so only the disk can have damaged it: keep it for inspection, move on.
      await rename(path, `${path}.corrupt`);
      this.count(this.pending.shift()!, -1);
      throw new SpoolCorruptError(
        `spool segment ${first.file} is unreadable; moved to ${first.file}.corrupt for inspection (${first.events} events)`,
        first.events,
      );
    }
    return { file: first.file, messages, ownedByThisProcess: first.file.includes(`-${this.session}-`) };
  }

  async remove(segment: SpoolSegment): Promise<void> {
    await rm(join(this.dir, segment.file), { force: true });
    const gone = this.pending.find((s) => s.file === segment.file);
    if (gone) this.count(gone, -1);
    this.pending = this.pending.filter((s) => s !== gone);
  }

  private count(segment: SegmentInfo, sign: 1 | -1): void {
    this.events += sign * segment.events;
    this.bytes += sign * segment.bytes;
  }

  private describeExisting(file: string): SegmentInfo {
    const [, created, , , count] = SEGMENT_NAME.exec(file)!;
    const path = join(this.dir, file);
    const events = count !== undefined ? Number(count) : parseLines(readFileSync(path, 'utf8')).length;
    return { file, events, bytes: statSync(path).size, createdAt: Number(created) };
  }
}

function parseLines(text: string): SpooledMessage[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as SpooledMessage);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
