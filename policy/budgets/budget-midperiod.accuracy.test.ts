import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../core/clock.ts';
import { calendarBudgetSchema, type CalendarBudget } from '../../collector/budget/budget-definition.ts';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { chTime, clientRows } from '../row-reader.ts';
import { BudgetGrantor } from './budget-grantor.ts';
import { writeBudget } from './budget-store.ts';
import { nanoToUsdText } from './budget-spend-query.ts';
import { startReplica } from './testing/budget-replica.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';

// A calendar budget created (or re-created under a new id) after spend already happened in its
// period: the spend of record holds that earlier spend, the collectors' reports do not, and the
// rollup lags what they spend under the new budget. Nothing is ingested here while the replica
// spends (it publishes no events), so the rollup stays at the spend made before the budget —
// the lag the fresh-user trial hit. Total period spend must stay within the hard limit.

const tags: AttemptTags = { team: 'payments', project: '', feature: '', user: '', api_key_id: 'key_pay', environment: '', extra: {} };
const WORST = 40_000;
const ACTUAL = 32_300;

const dayBudget = (id: string, limit: string): CalendarBudget =>
  calendarBudgetSchema.parse({ id, scope: 'team', match: 'payments', period: 'day', limit_usd: limit, action: 'reject' });

async function recordSpend(store: Awaited<ReturnType<typeof freshEmbeddedStore>>, costUsd: string): Promise<void> {
  const hour = Math.floor(systemClock.now() / 3_600_000) * 3_600_000;
  await store.client.insert({
    table: 'chargeback_per_hour_v2',
    format: 'JSONEachRow',
    values: [{ hour: chTime(hour).slice(0, 19), team: 'payments', api_key_id: 'key_pay', cost_usd: costUsd, requests: 1, attempts: 1 }],
  });
}

/** $0.0001896 already spent today, then `budget` created through the API; a grantor on the store and one replica that has renewed once. */
async function afterEarlierSpend(store: Awaited<ReturnType<typeof freshEmbeddedStore>>, budget: ReturnType<typeof dayBudget>) {
  await recordSpend(store, '0.0001896');
  await writeBudget(store.client, budget, 'api', 'test', systemClock.now());
  const grantor = new BudgetGrantor(store.client, clientRows(store.client), systemClock);
  const replica = startReplica('a', [], { renew: (c, r) => grantor.renew(c, r) }, { renewMs: 200 });
  await replica.client.renewNow();
  return { grantor, replica };
}

/** Spends one request after another until the first refusal; the settled spend admitted, nanodollars. */
async function spendUntilRefused(replica: ReturnType<typeof startReplica>): Promise<number> {
  let served = 0;
  while (served < 100 && (await replica.spend(tags, WORST, ACTUAL, 0))) served++;
  return served * ACTUAL;
}

test('a budget created after spend in its period admits only what is left of its limit', { timeout: 120_000 }, async () => {
  const store = await freshEmbeddedStore();
  try {
    const budget = dayBudget('pay-day', '0.0004');
    const { grantor, replica } = await afterEarlierSpend(store, budget);
    const admitted = await spendUntilRefused(replica);
    await replica.stop();
    // Before the fix: 12 requests, 0.000387600 admitted, 0.000577200 in the day against 0.0004.
    assert.equal(nanoToUsdText(admitted), '0.000193800', 'six requests fit in the 0.0002104 left');
    assert.ok(189_600 + admitted <= 400_000, `day total ${nanoToUsdText(189_600 + admitted)} passes the limit 0.000400000`);
    const [, totals] = [...(await grantor.totals(budget))][0]!;
    assert.equal(nanoToUsdText(totals.spentNano), nanoToUsdText(189_600 + admitted), 'the budget shows the day total, earlier spend included');
  } finally {
    await store.dispose();
  }
});

test('a budget re-created under a new id starts from the period total, not from the deleted budget', { timeout: 120_000 }, async () => {
  const store = await freshEmbeddedStore();
  try {
    const first = dayBudget('pay-day', '0.0004');
    const { grantor, replica } = await afterEarlierSpend(store, first);
    const underFirst = await spendUntilRefused(replica);
    // The spend made under the first budget reaches the rollup; then it is deleted and a new id created.
    await recordSpend(store, nanoToUsdText(underFirst));
    const recorded = 189_600 + underFirst;
    await writeBudget(store.client, first, 'api', 'test', systemClock.now(), true);
    const second = dayBudget('pay-day2', '0.0007');
    await writeBudget(store.client, second, 'api', 'test', systemClock.now() + 1);
    grantor.invalidate();
    await replica.client.renewNow();
    const underSecond = await spendUntilRefused(replica);
    const lease = replica.ledger.snapshot().find((s) => s.budget.id === 'pay-day2')!;
    await replica.stop();
    // Before the fix: the lease grew to spent + 0.0001228 at every renewal while the rollup lagged.
    assert.ok(recorded + underSecond <= 700_000, `day total ${nanoToUsdText(recorded + underSecond)} passes the limit 0.000700000`);
    assert.equal(
      nanoToUsdText(underSecond),
      nanoToUsdText(Math.floor((700_000 - recorded) / ACTUAL) * ACTUAL),
      'only what is left of the new limit is admitted',
    );
    assert.ok(lease.allowanceNano <= 700_000 - recorded, `pay-day2's lease ${nanoToUsdText(lease.allowanceNano)} is more than the 0.0007 limit leaves`);
  } finally {
    await store.dispose();
  }
});
