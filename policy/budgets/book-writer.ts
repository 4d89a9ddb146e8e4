import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { writeBook, type BookEntry } from './lease-book-store.ts';

/**
 * Group commit for the grantor's book: entries from renewals answered at the same time go to
 * ClickHouse in one insert, and each renewal is answered only once the insert holding its
 * entries has returned — so every grant a collector was told of is durable (a restarted grantor
 * never grants twice), while concurrent renewals share one write instead of queueing for one each.
 * One insert at a time, in order: a later entry for the same holder never lands before an earlier.
 */
export class BookWriter {
  private pending: BookEntry[] = [];
  private pendingDone: Promise<void> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly client: ClickHouseClient) {}

  /** Resolves once `entries` are written; rejects when their insert failed. */
  write(entries: BookEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    this.pending.push(...entries);
    // Entries added while an insert runs wait for the next one, which takes them all at once.
    this.pendingDone ??= this.writing.then(() => {
      const batch = this.pending;
      this.pending = [];
      this.pendingDone = null;
      return writeBook(this.client, batch);
    });
    const done = this.pendingDone;
    this.writing = done.catch(() => undefined);
    return done;
  }
}
