import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import type { CalendarBudget } from '../../collector/budget/budget-definition.ts';
import { periodBounds } from '../../collector/budget/budget-period.ts';
import { usdToNano } from '../../collector/budget/cost-bucket.ts';
import type { LeaseAnswer, LeaseGrant, LeaseReport } from '../../collector/budget/lease-protocol.ts';
import type { RowReader } from '../row-reader.ts';
import { readBudgets } from './budget-store.ts';
import { BookWriter } from './book-writer.ts';
import { readBook, type BookEntry } from './lease-book-store.ts';
import { ACTIVE_HOLDER_MS, grantLease, leaseTotals, UNLEASED_HOLDER, unleasedSpendNano, type LeaseHolder } from './lease-grant.ts';
import { spendBySubject } from './budget-spend-query.ts';

/** Budgets and spend of record are re-read at most this often, ms. */
const REFRESH_MS = 5_000;
/** Oldest spend of record a renewal answers with while a fresher one is being read, ms. */
const STALE_MS = 3 * REFRESH_MS;
/** The longest period (a month) plus slack: how far back a restarted grantor reloads its book. */
const BOOK_LOOKBACK_MS = 32 * 86_400_000;

const bookKey = (budgetId: string, subject: string, periodStartMs: number) => `${budgetId}|${subject}|${periodStartMs}`;

/**
 * The book's UNLEASED_HOLDER entry raised to the spend of record no report covers, or null when
 * it stands. Keyed by the budget's own id: a budget never takes another id's book as its start.
 */
function unleasedEntry(
  book: ReadonlyMap<string, BookEntry>,
  recordedNano: number,
  budgetId: string,
  subject: string,
  periodStartMs: number,
  now: number,
): BookEntry | null {
  const spentNano = unleasedSpendNano(recordedNano, book);
  if (spentNano <= (book.get(UNLEASED_HOLDER)?.spentNano ?? 0)) return null;
  return { budgetId, subject, periodStartMs, collector: UNLEASED_HOLDER, spentNano, allowanceNano: spentNano, reservedNano: 0, wantNano: 0, updatedAtMs: now };
}

/**
 * The lease grantor (one per policy/API store): answers collectors' renewals with allowances from
 * `grantLease`, persisting the book before answering. Grants are computed in memory, one renewal
 * at a time; renewals in flight together share one ClickHouse write of the book.
 */
export class BudgetGrantor {
  private budgets: { list: CalendarBudget[]; atMs: number } | null = null;
  private budgetsLoading: Promise<CalendarBudget[]> | null = null;
  private readonly spend = new Map<string, { atMs: number; bySubject: Map<string, number> }>();
  /** Spend queries running, by the same key as `spend`: concurrent renewals share one. */
  private readonly spendLoading = new Map<string, Promise<Map<string, number>>>();
  private books: Promise<Map<string, Map<string, BookEntry>>> | null = null;
  private readonly writer: BookWriter;
  /** When each collector last renewed, ms: the live ones share a subject even before they ask for it. */
  private readonly lastSeen = new Map<string, number>();

  constructor(
    client: ClickHouseClient,
    private readonly rows: RowReader,
    private readonly clock: Clock,
  ) {
    this.writer = new BookWriter(client);
  }

  /** One collector's renewal: its reports in, every budget and all of its current leases out. */
  /** Spent (of record), leased, reserved and remaining per subject of a budget's current period, nanodollars. */
  async totals(budget: CalendarBudget): Promise<Map<string, { spentNano: number; leasedNano: number; reservedNano: number; remainingNano: number }>> {
    const now = this.clock.now();
    const period = periodBounds(budget.period, budget.time_zone, now);
    const recorded = await this.recordedSpend(budget, period.startMs, period.endMs, now);
    const books = await this.allBooks();
    const out = new Map<string, { spentNano: number; leasedNano: number; reservedNano: number; remainingNano: number }>();
    const subjects = new Set([...recorded.keys()]);
    for (const key of books.keys())
      if (key.startsWith(`${budget.id}|`) && key.endsWith(`|${period.startMs}`))
        subjects.add(key.slice(budget.id.length + 1, key.length - String(period.startMs).length - 1));
    for (const subject of subjects) {
      const book = new Map(books.get(bookKey(budget.id, subject, period.startMs)) ?? []);
      // Shown as the next renewal will count it (kept in memory only: renewals write the book).
      const unleased = unleasedEntry(book, recorded.get(subject) ?? 0, budget.id, subject, period.startMs, now);
      if (unleased) book.set(UNLEASED_HOLDER, unleased);
      const t = leaseTotals(usdToNano(budget.limit_usd), recorded.get(subject) ?? 0, book);
      out.set(subject, { ...t, reservedNano: [...book.values()].reduce((a, e) => a + e.reservedNano, 0) });
    }
    return out;
  }

  async currentBudgets(): Promise<CalendarBudget[]> {
    const now = this.clock.now();
    if (this.budgets && now - this.budgets.atMs <= REFRESH_MS) return this.budgets.list;
    // Renewals arriving while the list is read share the one query.
    if (!this.budgetsLoading) {
      const loading = readBudgets(this.rows)
        .then((stored) => {
          const list = stored.map((s) => s.budget);
          // A list read before an invalidate() is answered with but not kept.
          if (this.budgetsLoading === loading) this.budgets = { list, atMs: now };
          return list;
        })
        .finally(() => {
          if (this.budgetsLoading === loading) this.budgetsLoading = null;
        });
      this.budgetsLoading = loading;
    }
    return this.budgetsLoading;
  }

  /** Forget cached budgets (after a create, change or delete through the API). */
  invalidate(): void {
    this.budgets = null;
    this.budgetsLoading = null;
  }

  /**
   * One collector's renewal: its reports in, every budget and all of its current leases out.
   * Everything a renewal reads from ClickHouse is loaded first, outside any lock; the grants are
   * then computed in one synchronous step (Node runs it to the end before any other renewal's
   * step, which makes it the per-budget lock: two renewals can never both be given the same
   * remaining amount); then the book is written, batched with concurrent renewals, before answering.
   */
  async renew(collector: string, reports: LeaseReport[]): Promise<LeaseAnswer> {
    // One instant for the whole renewal: the spend read is of the same periods the grants are for.
    const now = this.clock.now();
    const budgets = await this.currentBudgets();
    const books = await this.allBooks();
    const spend = new Map<string, Map<string, number>>();
    await Promise.all(
      budgets.map(async (b) => {
        const period = periodBounds(b.period, b.time_zone, now);
        spend.set(b.id, await this.recordedSpend(b, period.startMs, period.endMs, now));
      }),
    );
    const { changed, grants } = this.grantAll(collector, reports, budgets, books, spend, now);
    await this.writer.write(changed);
    return { budgets, leases: grants };
  }

  /** The synchronous critical section: new book entries for `reports`, and every current lease of `collector`. */
  private grantAll(
    collector: string,
    reports: LeaseReport[],
    budgets: CalendarBudget[],
    books: Map<string, Map<string, BookEntry>>,
    spend: Map<string, Map<string, number>>,
    now: number,
  ): { changed: BookEntry[]; grants: LeaseGrant[] } {
    const changed: BookEntry[] = [];
    // The pseudo-holder's entry must never be overwritten by a report.
    if (collector === UNLEASED_HOLDER) return { changed, grants: [] };
    this.lastSeen.set(collector, now);
    const live = [...this.lastSeen].filter(([id, at]) => id !== collector && now - at <= ACTIVE_HOLDER_MS).map(([id]) => id);
    for (const r of reports) {
      const budget = budgets.find((b) => b.id === r.budgetId);
      if (!budget) continue;
      const period = periodBounds(budget.period, budget.time_zone, now);
      // A report about a period that has ended (or not begun here) earns nothing.
      if (period.startMs !== r.periodStartMs) continue;
      const key = bookKey(budget.id, r.subject, period.startMs);
      const book = books.get(key) ?? new Map<string, BookEntry>();
      books.set(key, book);
      const recorded = spend.get(budget.id)?.get(r.subject) ?? 0;
      // A renewal that reached the grantor before one already applied (its collector timed it out
      // and asked again) must not roll the book back to its older report.
      if ((book.get(collector)?.updatedAtMs ?? -Infinity) > now) continue;
      // Spend the reports cannot hold (made before this budget's first lease — before it was
      // created, or under a deleted budget — or without a lease) counts beside them, not instead.
      const unleased = unleasedEntry(book, recorded, budget.id, r.subject, period.startMs, now);
      if (unleased) {
        book.set(UNLEASED_HOLDER, unleased);
        changed.push(unleased);
      }
      const silentPeers = live.filter((id) => !book.has(id)).length;
      const request = { collector, spentNano: r.spentNano, reservedNano: r.reservedNano, wantNano: r.wantNano };
      const { holder } = grantLease(usdToNano(budget.limit_usd), recorded, book, request, now, silentPeers);
      const entry: BookEntry = { ...holder, budgetId: budget.id, subject: r.subject, periodStartMs: period.startMs, collector, reservedNano: r.reservedNano };
      book.set(collector, entry);
      changed.push(entry);
    }
    // Every current lease of this collector, reported or not: a restarted collector learns them here.
    const grants: LeaseGrant[] = [];
    for (const budget of budgets) {
      const period = periodBounds(budget.period, budget.time_zone, now);
      for (const [key, book] of books) {
        if (!key.startsWith(`${budget.id}|`) || !key.endsWith(`|${period.startMs}`)) continue;
        const entry = book.get(collector);
        if (!entry) continue;
        const recorded = spend.get(budget.id)?.get(entry.subject) ?? 0;
        const unleasedNano = leaseTotals(usdToNano(budget.limit_usd), recorded, book).remainingNano;
        grants.push({
          budgetId: budget.id,
          subject: entry.subject,
          periodStartMs: period.startMs,
          allowanceNano: entry.allowanceNano,
          spentNano: entry.spentNano,
          unleasedNano,
        });
      }
    }
    return { changed, grants };
  }

  /** The book, read back from ClickHouse once (a restarted grantor recovers every answered grant), then kept in memory. */
  private allBooks(): Promise<Map<string, Map<string, BookEntry>>> {
    this.books ??= readBook(this.rows, this.clock.now() - BOOK_LOOKBACK_MS).then(
      (entries) => {
        const books = new Map<string, Map<string, BookEntry>>();
        for (const e of entries) {
          const key = bookKey(e.budgetId, e.subject, e.periodStartMs);
          const book = books.get(key) ?? new Map<string, BookEntry>();
          book.set(e.collector, e);
          books.set(key, book);
        }
        return books;
      },
      (err: unknown) => {
        this.books = null;
        throw err;
      },
    );
    return this.books;
  }

  /**
   * Spend of record per subject, re-read every REFRESH_MS. A stale figure is used while its
   * refresh runs (up to STALE_MS old): renewals do not wait for a query on a loaded store, and the
   * grant takes the larger of it and what the collectors reported, so staleness only delays
   * counting spend made without a lease.
   */
  private async recordedSpend(budget: CalendarBudget, startMs: number, endMs: number, now: number): Promise<Map<string, number>> {
    const key = `${budget.id}|${startMs}|${budget.scope}|${budget.match}`;
    const cached = this.spend.get(key);
    if (cached && now - cached.atMs <= REFRESH_MS) return cached.bySubject;
    let loading = this.spendLoading.get(key);
    if (!loading) {
      loading = spendBySubject(this.rows, budget, { startMs, endMs })
        .then((bySubject) => {
          this.spend.set(key, { atMs: now, bySubject });
          return bySubject;
        })
        .finally(() => this.spendLoading.delete(key));
      this.spendLoading.set(key, loading);
    }
    if (cached && now - cached.atMs <= STALE_MS) {
      loading.catch(() => undefined);
      return cached.bySubject;
    }
    return loading;
  }
}

export type { LeaseHolder };
