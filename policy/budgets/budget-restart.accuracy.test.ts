import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../core/clock.ts';
import { calendarBudgetSchema } from '../../collector/budget/budget-definition.ts';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { clientRows } from '../row-reader.ts';
import { BudgetGrantor } from './budget-grantor.ts';
import { writeBudget } from './budget-store.ts';
import { attackTags, startReplica } from './testing/budget-replica.ts';

// A collector that stops hands its unspent lease back with its final spend, so the same id
// restarted (or a peer) cannot be granted again what it spent since its last renewal — the
// overshoot the three-process test once saw after a collector restart.

const budget = calendarBudgetSchema.parse({ id: 'attack', scope: 'key', period: 'month', limit_usd: '0.01' });

test('a stopping replica reports its final spend and gives its unspent lease back; its restart starts from that spend', { timeout: 120_000 }, async () => {
  const store = await freshEmbeddedStore();
  try {
    await writeBudget(store.client, budget, 'api', 'test', systemClock.now());
    const grantor = new BudgetGrantor(store.client, clientRows(store.client), systemClock);
    const source = { renew: (c: string, r: Parameters<BudgetGrantor['renew']>[1]) => grantor.renew(c, r) };
    // No periodic renewal during the test: only the first (lease-taking) one and the final one report.
    const first = startReplica('a', [budget], source, { renewMs: 600_000 });
    let served = 0;
    while (served < 5 && (await first.spend(attackTags, 400_000, 300_000, 0))) served++;
    assert.equal(served, 5, 'the first lease covers five requests');
    const spentNano = first.ledger.snapshot()[0]!.spentNano;
    assert.equal(spentNano, 5 * 300_000);
    await first.stop();

    const [subject, totals] = [...(await grantor.totals(budget))][0]!;
    assert.equal(subject, attackTags.api_key_id);
    assert.equal(totals.spentNano, spentNano, 'the grantor knows the final spend');
    assert.equal(totals.leasedNano, 0, 'no lease is left with the stopped replica');
    assert.equal(totals.remainingNano, 10_000_000 - spentNano);

    const again = startReplica('a', [budget], source, { renewMs: 600_000 });
    await again.client.renewNow();
    assert.equal(again.ledger.snapshot()[0]?.spentNano, spentNano, 'the restart starts from the final spend');
    await again.stop();
  } finally {
    await store.dispose();
  }
});
