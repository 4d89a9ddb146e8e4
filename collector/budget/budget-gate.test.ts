import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTagsSchema } from '../../core/events/attempt-event.ts';
import type { BudgetLimitConfig } from '../config/routes-config.ts';
import { BudgetGate, BudgetRejected } from './budget-gate.ts';
import { BudgetLedger } from './budget-ledger.ts';

const USD = 1e9;
const team = attemptTagsSchema.parse({ team: 't' });
const gateWith = (over: Partial<BudgetLimitConfig>) => {
  const ledger = new BudgetLedger([{ scope: 'team', id: 't', limit_usd: 1, per: 'hour', on_exhausted: 'reject', max_delay_ms: 2000, ...over }]);
  return { ledger, gate: new BudgetGate(ledger, { now: () => Date.now() }) };
};
const never = new AbortController().signal;
const far = () => Date.now() + 60_000;

test('allow: the preferred deployment fits, its worst case is reserved', async () => {
  const { gate } = gateWith({});
  const a = await gate.admit(team, [{ deployment: 'premium', worstCaseNano: 0.3 * USD }], never, far());
  assert.equal(a.deployment, 'premium');
  assert.deepEqual(a.budget, { decision: 'allow', reserved_usd: '0.300000000', delay_ms: 0, limited_by: '' });
});

test('reject: 429 material — which bucket, and when it will have refilled enough', async () => {
  const { gate } = gateWith({ limit_usd: 1, per: 'hour' });
  await gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.9 * USD }], never, far());
  const err = await gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.2 * USD }], never, far()).catch((e: unknown) => e);
  assert.ok(err instanceof BudgetRejected);
  assert.equal(err.limitedBy, 'team:t');
  assert.ok(err.retryAfterMs! > 350_000 && err.retryAfterMs! <= 360_000, String(err.retryAfterMs));
  assert.equal(err.budget.decision, 'reject');
});

test('reject without retry: a worst case above the bucket capacity can never fit', async () => {
  const { gate } = gateWith({ limit_usd: 1 });
  const err = await gate.admit(team, [{ deployment: 'd', worstCaseNano: 2 * USD }], never, far()).catch((e: unknown) => e);
  assert.ok(err instanceof BudgetRejected);
  assert.equal(err.retryAfterMs, null);
});

test('downgrade: the cheapest deployment that still fits, recorded with the limiting bucket', async () => {
  const { gate } = gateWith({ on_exhausted: 'downgrade' });
  await gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.8 * USD }], never, far());
  const a = await gate.admit(
    team,
    [
      { deployment: 'premium', worstCaseNano: 0.5 * USD },
      { deployment: 'standard', worstCaseNano: 0.15 * USD },
      { deployment: 'economy', worstCaseNano: 0.05 * USD },
    ],
    never,
    far(),
  );
  assert.equal(a.deployment, 'economy');
  assert.equal(a.budget.decision, 'downgrade');
  assert.equal(a.budget.limited_by, 'team:t');
});

test('delay: waits for the refill when it comes within max_delay_ms, else rejects', async () => {
  // $1 per minute refills a cent in 600 ms.
  const { gate } = gateWith({ on_exhausted: 'delay', per: 'minute', max_delay_ms: 2000 });
  await gate.admit(team, [{ deployment: 'd', worstCaseNano: 1 * USD }], never, far());
  const a = await gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.01 * USD }], never, far());
  assert.equal(a.budget.decision, 'delay');
  assert.ok(a.budget.delay_ms >= 500 && a.budget.delay_ms < 2000, String(a.budget.delay_ms));
  await assert.rejects(gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.5 * USD }], never, far()), BudgetRejected);
});

test('delay never outlives the request deadline or the client', async () => {
  const { gate } = gateWith({ on_exhausted: 'delay', per: 'minute', max_delay_ms: 5000 });
  await gate.admit(team, [{ deployment: 'd', worstCaseNano: 1 * USD }], never, far());
  await assert.rejects(gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.01 * USD }], never, Date.now() + 100), BudgetRejected);
  const client = new AbortController();
  setTimeout(() => client.abort(), 50);
  await assert.rejects(gate.admit(team, [{ deployment: 'd', worstCaseNano: 0.01 * USD }], client.signal, far()), { name: 'AbortError' });
});
