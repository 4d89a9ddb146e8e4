import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarBudgetSchema } from '../../collector/budget/budget-definition.ts';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { chTime } from '../row-reader.ts';
import { BudgetEvaluator } from './budget-evaluator.ts';
import { writeBudget } from './budget-store.ts';
import { writeBook } from './lease-book-store.ts';

// The minute evaluation against a real chDB store and a fake clock: spend of record from the
// hourly rollup plus the lease book, forecast, thresholds raised once.

test('spent, leased, forecast and threshold events from the rollup and the lease book, each event once', { timeout: 120_000 }, async () => {
  const store = await freshEmbeddedStore();
  try {
    let now = Date.parse('2026-11-30T12:00:00Z');
    const clock = { now: () => now };
    const budget = calendarBudgetSchema.parse({ id: 'team-day', scope: 'team', match: 'search', period: 'day', limit_usd: '7', thresholds: [0.5, 1] });
    await writeBudget(store.client, budget, 'api', 'test', now);
    // $6 spent by 12:00 (two hourly rows), exact decimals; another team's spend does not count.
    await store.client.insert({
      table: 'chargeback_per_hour_v2',
      format: 'JSONEachRow',
      values: [
        { hour: '2026-11-30 03:00:00', team: 'search', cost_usd: '2.500000000001' },
        { hour: '2026-11-30 11:00:00', team: 'search', cost_usd: '3.5' },
        { hour: '2026-11-30 11:00:00', team: 'other', cost_usd: '100' },
      ],
    });
    await writeBook(store.client, [
      {
        budgetId: 'team-day',
        subject: 'search',
        periodStartMs: Date.parse('2026-11-30T00:00:00Z'),
        collector: 'c1',
        spentNano: 1_000_000_000,
        reservedNano: 200_000_000,
        allowanceNano: 1_500_000_000,
        wantNano: 0,
        updatedAtMs: now,
      },
    ]);
    const evaluator = new BudgetEvaluator({ client: store.client, clock, log: () => {} });
    const first = await evaluator.evaluateOnce();
    assert.equal(first.evaluations.length, 1);
    const e = first.evaluations[0]!;
    assert.equal(e.spentNano, 6_000_000_001, 'rollup spend, rounded up to the nanodollar');
    assert.equal(e.leasedNano, 500_000_000);
    assert.equal(e.reservedNano, 200_000_000);
    assert.equal(e.status, 'warning');
    // The day's pattern (spend at 03:00 and 11:00 only) makes the quiet afternoon add little: still past $7.
    assert.ok(e.forecastNano > 7_000_000_000 && e.forecastNano < 12_000_000_002, `forecast ${e.forecastNano}`);
    assert.deepEqual(first.events.map((x) => [x.kind, x.threshold]).sort(), [
      ['forecast_exceeds', 0],
      ['threshold', 0.5],
    ]);
    now += 60_000;
    const second = await evaluator.evaluateOnce();
    assert.deepEqual(second.events, [], 'nothing is raised twice');
    const rows = await (
      await store.client.query({
        query: `SELECT count() AS n FROM budget_events_v1 WHERE occurred_at <= {t:DateTime64(3, 'UTC')}`,
        query_params: { t: chTime(now) },
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    assert.equal(Number(rows[0]!.n), 2);
  } finally {
    await store.dispose();
  }
});
