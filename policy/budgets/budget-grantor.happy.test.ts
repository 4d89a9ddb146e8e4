import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../core/clock.ts';
import { calendarBudgetSchema } from '../../collector/budget/budget-definition.ts';
import { freshEmbeddedStore } from '../../test/support/embedded-store.ts';
import { clientRows } from '../row-reader.ts';
import { BudgetGrantor } from './budget-grantor.ts';
import { writeBudget } from './budget-store.ts';
import { attackTags, startReplica } from './testing/budget-replica.ts';

// The grantor over a real chDB store with three replicas' budget paths in this process: leases
// never add up to more than the limit, a restarted replica gets its spend back, and a restarted
// grantor keeps its book.

const budget = calendarBudgetSchema.parse({ id: 'attack', scope: 'key', period: 'month', limit_usd: '0.01' });
const WORST = 400_000; // $0.0004 per request at worst
const ACTUAL = 300_000;

test('three replicas under 60 concurrent clients spend within the limit; restarts keep what was spent', { timeout: 300_000 }, async () => {
  const store = await freshEmbeddedStore();
  try {
    await writeBudget(store.client, budget, 'api', 'test', systemClock.now());
    let grantor = new BudgetGrantor(store.client, clientRows(store.client), systemClock);
    const source = { renew: (c: string, r: Parameters<BudgetGrantor['renew']>[1]) => grantor.renew(c, r) };
    const replicas = ['a', 'b', 'c'].map((id) => startReplica(id, [budget], source));
    let served = 0;
    let refused = 0;
    const client = async (n: number) => {
      for (let i = 0; i < 20; i++) {
        if (await replicas[n % 3]!.spend(attackTags, WORST, ACTUAL, 5)) served++;
        else refused++;
      }
    };
    await Promise.all(Array.from({ length: 30 }, (_, n) => client(n)));
    // Replica b restarts (same id): it learns its spend from the grantor, not from zero.
    const bSpentBefore = replicas[1]!.ledger.snapshot()[0]!.spentNano;
    await replicas[1]!.stop();
    replicas[1] = startReplica('b', [budget], source);
    await replicas[1].client.renewNow();
    // The grantor restarts too: a new instance reads its book back from ClickHouse.
    grantor = new BudgetGrantor(store.client, clientRows(store.client), systemClock);
    await replicas[1].client.renewNow();
    assert.equal(replicas[1].ledger.snapshot()[0]?.spentNano, bSpentBefore, 'the restarted replica recovered its spend');
    await Promise.all(Array.from({ length: 30 }, (_, n) => client(n)));
    for (const r of replicas) await r.stop();

    const spentNano = served * ACTUAL;
    assert.ok(spentNano <= 10_000_000, `spent ${spentNano} nano of 10,000,000`);
    assert.ok(refused > 0, 'the budget refused once exhausted');
    // Close to the limit: less than one lease term of slack per replica is left unspent.
    assert.ok(spentNano >= 10_000_000 - 3 * 2 * WORST - WORST, `spent ${spentNano}: too much budget left while refusing`);
  } finally {
    await store.dispose();
  }
});
