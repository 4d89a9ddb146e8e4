import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import type { CalendarBudget } from '../../collector/budget/budget-definition.ts';
import { periodBounds } from '../../collector/budget/budget-period.ts';
import { usdToNano } from '../../collector/budget/cost-bucket.ts';
import type { LeaseAnswer, LeaseGrant, LeaseReport } from '../../collector/budget/lease-protocol.ts';
import type { RowReader } from '../row-reader.ts';
import { readBudgets } from './budget-store.ts';
import { readBook, writeBook, type BookEntry } from './lease-book-store.ts';
import { ACTIVE_HOLDER_MS, grantLease, leaseTotals, type LeaseHolder } from './lease-grant.ts';
import { spendBySubject } from './budget-spend-query.ts';

/** Budgets and spend of record are re-read at most this often, ms. */
const REFRESH_MS = 5_000;
/** The longest period (a month) plus slack: how far back a restarted grantor reloads its book. */
const BOOK_LOOKBACK_MS = 32 * 86_400_000;

const bookKey = (budgetId: string, subject: string, periodStartMs: number) => `${budgetId}|${subject}|${periodStartMs}`;

/**
 * The lease grantor (one per policy/API store): answers collectors' renewals with allowances from
 * `grantLease`, persisting the book before answering. Renewals run one at a time, so two
 * collectors can never both be given the same remaining amount.
 */
export class BudgetGrantor {
  private budgets: { list: CalendarBudget[]; atMs: number } | null = null;
  private readonly spend = new Map<string, { atMs: number; bySubject: Map<string, number> }>();
  private books: Map<string, Map<string, BookEntry>> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** When each collector last renewed, ms: the live ones share a subject even before they ask for it. */
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly rows: RowReader,
    private readonly clock: Clock,
  ) {}

  /** One collector's renewal: its reports in, every budget and all of its current leases out. */
  renew(collector: string, reports: LeaseReport[]): Promise<LeaseAnswer> {
    const run = this.queue.then(() => this.renewNow(collector, reports));
    this.queue = run.catch(() => undefined);
    return run;
  }

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
      const book = books.get(bookKey(budget.id, subject, period.startMs)) ?? new Map<string, BookEntry>();
      const t = leaseTotals(usdToNano(budget.limit_usd), recorded.get(subject) ?? 0, book);
      out.set(subject, { ...t, reservedNano: [...book.values()].reduce((a, e) => a + e.reservedNano, 0) });
    }
    return out;
  }

  async currentBudgets(): Promise<CalendarBudget[]> {
    const now = this.clock.now();
    if (!this.budgets || now - this.budgets.atMs > REFRESH_MS) this.budgets = { list: (await readBudgets(this.rows)).map((s) => s.budget), atMs: now };
    return this.budgets.list;
  }

  /** Forget cached budgets (after a create, change or delete through the API). */
  invalidate(): void {
    this.budgets = null;
  }

  private async renewNow(collector: string, reports: LeaseReport[]): Promise<LeaseAnswer> {
    const now = this.clock.now();
    this.lastSeen.set(collector, now);
    const live = [...this.lastSeen].filter(([id, at]) => id !== collector && now - at <= ACTIVE_HOLDER_MS).map(([id]) => id);
    const budgets = await this.currentBudgets();
    const books = await this.allBooks();
    const changed: BookEntry[] = [];
    const grants: LeaseGrant[] = [];
    for (const r of reports) {
      const budget = budgets.find((b) => b.id === r.budgetId);
      if (!budget) continue;
      const period = periodBounds(budget.period, budget.time_zone, now);
      // A report about a period that has ended (or not begun here) earns nothing.
      if (period.startMs !== r.periodStartMs) continue;
      const key = bookKey(budget.id, r.subject, period.startMs);
      const book = books.get(key) ?? new Map<string, BookEntry>();
      books.set(key, book);
      const limitNano = usdToNano(budget.limit_usd);
      const recorded = (await this.recordedSpend(budget, period.startMs, period.endMs, now)).get(r.subject) ?? 0;
      const silentPeers = live.filter((id) => !book.has(id)).length;
      const { holder } = grantLease(
        limitNano,
        recorded,
        book,
        { collector, spentNano: r.spentNano, reservedNano: r.reservedNano, wantNano: r.wantNano },
        now,
        silentPeers,
      );
      const entry: BookEntry = { ...holder, budgetId: budget.id, subject: r.subject, periodStartMs: period.startMs, collector, reservedNano: r.reservedNano };
      book.set(collector, entry);
      changed.push(entry);
    }
    await writeBook(this.client, changed);
    // Every current lease of this collector, reported or not: a restarted collector learns them here.
    for (const budget of budgets) {
      const period = periodBounds(budget.period, budget.time_zone, now);
      for (const [key, book] of books) {
        if (!key.startsWith(`${budget.id}|`) || !key.endsWith(`|${period.startMs}`)) continue;
        const entry = book.get(collector);
        if (!entry) continue;
        const recorded = (await this.recordedSpend(budget, period.startMs, period.endMs, now)).get(entry.subject) ?? 0;
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
    return { budgets, leases: grants };
  }

  private async allBooks(): Promise<Map<string, Map<string, BookEntry>>> {
    if (!this.books) {
      const books = new Map<string, Map<string, BookEntry>>();
      for (const e of await readBook(this.rows, this.clock.now() - BOOK_LOOKBACK_MS)) {
        const key = bookKey(e.budgetId, e.subject, e.periodStartMs);
        const book = books.get(key) ?? new Map<string, BookEntry>();
        book.set(e.collector, e);
        books.set(key, book);
      }
      this.books ??= books;
    }
    return this.books;
  }

  private async recordedSpend(budget: CalendarBudget, startMs: number, endMs: number, now: number): Promise<Map<string, number>> {
    const key = `${budget.id}|${startMs}|${budget.scope}|${budget.match}`;
    const cached = this.spend.get(key);
    if (cached && now - cached.atMs <= REFRESH_MS) return cached.bySubject;
    const bySubject = await spendBySubject(this.rows, budget, { startMs, endMs });
    this.spend.set(key, { atMs: now, bySubject });
    return bySubject;
  }
}

export type { LeaseHolder };
