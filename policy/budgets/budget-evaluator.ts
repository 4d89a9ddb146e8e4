import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { Clock } from '../../core/clock.ts';
import { periodBounds } from '../../collector/budget/budget-period.ts';
import { usdToNano } from '../../collector/budget/cost-bucket.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import { chTime, clientRows, type RowReader } from '../row-reader.ts';
import { dailyPattern } from './budget-forecast.ts';
import { evaluateSubject, newEvents, type BudgetEvent, type SubjectEvaluation } from './budget-evaluation.ts';
import { nanoToUsdText, spendByHourOfDay, spendBySubject } from './budget-spend-query.ts';
import { readBudgets } from './budget-store.ts';
import { readBook } from './lease-book-store.ts';
import { leaseTotals } from './lease-grant.ts';

/** Subjects evaluated per budget at most each round (a `*` budget over many keys stays bounded). */
const MAX_SUBJECTS = 1000;

/**
 * Each minute: every budget subject's spent, reserved, leased, remaining, burn rate and forecast
 * (budget_status_v1), and new threshold / forecast events (budget_events_v1) for alerting.
 */
export class BudgetEvaluator {
  private readonly loop: PeriodicTask;
  private readonly rows: RowReader;

  constructor(private readonly o: { client: ClickHouseClient; clock: Clock; intervalMs?: number; log: (m: string) => void }) {
    this.rows = clientRows(o.client);
    this.loop = new PeriodicTask(
      () => this.evaluateOnce().catch((err: unknown) => o.log(`policy: budget evaluation failed: ${(err as Error).message}`)),
      o.intervalMs ?? 60_000,
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round; returns what it wrote. */
  async evaluateOnce(): Promise<{ evaluations: SubjectEvaluation[]; events: BudgetEvent[] }> {
    const now = this.o.clock.now();
    const evaluations: SubjectEvaluation[] = [];
    const events: BudgetEvent[] = [];
    const book = await readBook(this.rows, now - 32 * 86_400_000);
    for (const { budget } of await readBudgets(this.rows)) {
      const period = periodBounds(budget.period, budget.time_zone, now);
      const recorded = await spendBySubject(this.rows, budget, period);
      const entries = book.filter((e) => e.budgetId === budget.id && e.periodStartMs === period.startMs);
      const subjects = [...new Set([...recorded.keys(), ...entries.map((e) => e.subject)])].slice(0, MAX_SUBJECTS);
      const stored = await this.rows<{ id: string }>(
        `SELECT toString(event_id) AS id FROM budget_events_v1 WHERE budget_id = {b:String} AND period_start = {p:DateTime('UTC')}`,
        { b: budget.id, p: chTime(period.startMs).slice(0, 19) },
      );
      const already = new Set(stored.map((r) => r.id));
      for (const subject of subjects) {
        const holders = new Map(entries.filter((e) => e.subject === subject).map((e) => [e.collector, e]));
        const t = leaseTotals(usdToNano(budget.limit_usd), recorded.get(subject) ?? 0, holders);
        const reservedNano = [...holders.values()].reduce((a, e) => a + e.reservedNano, 0);
        const pattern = dailyPattern(await spendByHourOfDay(this.rows, budget, subject, now));
        const e = evaluateSubject(budget, subject, period, { spentNano: t.spentNano, reservedNano, leasedNano: t.leasedNano }, pattern, now);
        evaluations.push(e);
        events.push(...newEvents(e, already));
      }
    }
    await this.write(evaluations, events, now);
    return { evaluations, events };
  }

  private async write(evaluations: SubjectEvaluation[], events: BudgetEvent[], now: number): Promise<void> {
    const sec = (ms: number) => chTime(ms).slice(0, 19);
    if (evaluations.length) {
      await this.o.client.insert({
        table: 'budget_status_v1',
        format: 'JSONEachRow',
        values: evaluations.map((e) => ({
          evaluated_at: sec(now),
          budget_id: e.budget.id,
          subject: e.subject,
          scope: e.budget.scope,
          period: e.budget.period,
          period_start: sec(e.period.startMs),
          period_end: sec(e.period.endMs),
          limit_usd: e.budget.limit_usd,
          spent_usd: nanoToUsdText(e.spentNano),
          reserved_usd: nanoToUsdText(e.reservedNano),
          leased_usd: nanoToUsdText(e.leasedNano),
          remaining_usd: nanoToUsdText(e.remainingNano),
          burn_usd_per_hour: nanoToUsdText(e.burnRatePerHourNano),
          forecast_usd: nanoToUsdText(e.forecastNano),
          status: e.status,
        })),
      });
    }
    if (events.length) {
      await this.o.client.insert({
        table: 'budget_events_v1',
        format: 'JSONEachRow',
        values: events.map(({ eventId, kind, threshold, evaluation: e }) => ({
          event_id: eventId,
          occurred_at: chTime(now),
          budget_id: e.budget.id,
          subject: e.subject,
          scope: e.budget.scope,
          period_start: sec(e.period.startMs),
          period_end: sec(e.period.endMs),
          kind,
          threshold,
          limit_usd: e.budget.limit_usd,
          soft_limit_usd: e.budget.soft_limit_usd ?? e.budget.limit_usd,
          spent_usd: nanoToUsdText(e.spentNano),
          forecast_usd: nanoToUsdText(e.forecastNano),
          shadow: e.budget.shadow,
        })),
      });
      for (const ev of events)
        this.o.log(`policy: budget ${ev.evaluation.budget.id} ${ev.kind}${ev.kind === 'threshold' ? ` ${Math.round(ev.threshold * 100)} %` : ''}`);
    }
  }
}
