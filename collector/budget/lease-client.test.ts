import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calendarBudgetSchema, type CalendarBudget } from './budget-definition.ts';
import { LeaseClient } from './lease-client.ts';
import { LeaseLedger } from './lease-ledger.ts';
import { LeaseRenewalUndelivered, type LeaseSource } from './lease-protocol.ts';

const budget: CalendarBudget = calendarBudgetSchema.parse({ id: 'b', scope: 'team', match: 'pay', period: 'day', limit_usd: '1' });

/** A client on a hand-moved clock whose grantor refuses connections until `up` is set. */
function harness() {
  let now = Date.UTC(2026, 11, 1, 12);
  const state = { up: false };
  const logs: string[] = [];
  const source: LeaseSource = {
    renew: async () => {
      if (!state.up) throw new LeaseRenewalUndelivered('budget grantor unreachable (ECONNREFUSED)');
      return { budgets: [budget], leases: [] };
    },
  };
  const client = new LeaseClient({
    collectorId: 'c1',
    ledger: new LeaseLedger([]),
    source,
    clock: { now: () => now },
    renewMs: 60_000,
    log: (m) => logs.push(m),
  });
  return { client, logs, state, advance: (ms: number) => (now += ms) };
}

test('a grantor still starting (refused for the first seconds, then answering) logs nothing', async () => {
  const h = harness();
  assert.equal(await h.client.renewNow(), false);
  h.advance(6_000);
  assert.equal(await h.client.renewNow(), false);
  h.state.up = true;
  assert.equal(await h.client.renewNow(), true);
  assert.deepEqual(h.logs, []);
});

test('a grantor never reached logs once after the start-up grace, then once when it answers', async () => {
  const h = harness();
  await h.client.renewNow();
  h.advance(15_000);
  await h.client.renewNow();
  h.advance(2_000);
  await h.client.renewNow();
  assert.equal(h.logs.length, 1);
  assert.match(
    h.logs[0]!,
    /^collector: budget lease renewal failing since start: budget grantor unreachable \(ECONNREFUSED\); hard budgets spend only their current leases$/,
  );
  h.state.up = true;
  await h.client.renewNow();
  assert.deepEqual(h.logs.slice(1), ['collector: budget grantor reachable again']);
});

test('once it has answered, the first failure is logged at once', async () => {
  const h = harness();
  h.state.up = true;
  await h.client.renewNow();
  h.state.up = false;
  h.advance(1_000);
  await h.client.renewNow();
  assert.equal(h.logs.length, 1);
  assert.match(h.logs[0]!, /^collector: budget lease renewal failing: budget grantor unreachable \(ECONNREFUSED\);/);
});
