import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpooledMessage {
  key: string;
  value: string;
}

export interface SpoolSegment {
  file: string;
  messages: SpooledMessage[];
  /** Written by this process (so its events are still owed a flush acknowledgement here). */
  ownedByThisProcess: boolean;
}

/**
 * Append-only segments on disk for events the broker could not take. Each `append` writes one
 * segment and fsyncs it before resolving; segments are read back oldest first and deleted only
 * after the broker acknowledged them, so a crash replays (duplicates are absorbed downstream by
 * attempt_id) rather than loses.
 */
export class DiskSpool {
  private readonly session = `${Date.now().toString().padStart(15, '0')}-${randomUUID().slice(0, 8)}`;
  private sequence = 0;
  private pending: string[];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    // Segments left by earlier processes come first: names sort by creation time.
    this.pending = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  }

  get hasData(): boolean {
    return this.pending.length > 0;
  }

  get segments(): number {
    return this.pending.length;
  }

  async append(messages: readonly SpooledMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const file = `${this.session}-${String(this.sequence++).padStart(9, '0')}.jsonl`;
    const handle = await open(join(this.dir, `${file}.tmp`), 'w');
    try {
      await handle.writeFile(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Rename after fsync: a segment is either whole or absent.
    await rename(join(this.dir, `${file}.tmp`), join(this.dir, file));
    this.pending.push(file);
  }

  async oldest(): Promise<SpoolSegment | null> {
    const file = this.pending[0];
    if (!file) return null;
    const text = await readFile(join(this.dir, file), 'utf8');
    const messages = text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as SpooledMessage);
    return { file, messages, ownedByThisProcess: file.startsWith(this.session) };
  }

  async remove(segment: SpoolSegment): Promise<void> {
    await rm(join(this.dir, segment.file), { force: true });
    this.pending = this.pending.filter((f) => f !== segment.file);
  }
}
