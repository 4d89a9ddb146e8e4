import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTagsSchema } from '../../core/events/attempt-event.ts';
import type { BudgetLimitConfig } from '../config/routes-config.ts';
import { BudgetLedger } from './budget-ledger.ts';

const tags = (over: Record<string, string>) => attemptTagsSchema.parse(over);
const limit = (over: Partial<BudgetLimitConfig>): BudgetLimitConfig => ({
  scope: 'team',
  id: 'payments',
  limit_usd: 1,
  per: 'hour',
  on_exhausted: 'reject',
  max_delay_ms: 2000,
  ...over,
});
const USD = 1e9;

test('a reservation draws from every bucket that applies, or from none', () => {
  const ledger = new BudgetLedger([limit({ scope: 'team', id: 'payments', limit_usd: 1 }), limit({ scope: 'key', id: 'k1', limit_usd: 0.5 })]);
  const t = tags({ team: 'payments', api_key_id: 'k1' });
  assert.ok(ledger.tryReserve(t, 0.4 * USD, 0).ok);
  const refused = ledger.tryReserve(t, 0.2 * USD, 0);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.limitedBy, 'key:k1');
  // The team bucket was not touched by the refused reservation: 0.6 left there.
  const levels = Object.fromEntries(ledger.levels(0).map((l) => [l.bucket, l.availableUsd]));
  assert.deepEqual(levels, { 'team:payments': 0.6, 'key:k1': 0.1 });
});

test('limits apply only to matching tags; "*" gives each value its own bucket', () => {
  const ledger = new BudgetLedger([limit({ scope: 'project', id: '*', limit_usd: 1 })]);
  assert.equal(ledger.applies(tags({ team: 'x' })), false, 'no project tag: no bucket');
  assert.ok(ledger.tryReserve(tags({ project: 'a' }), 1 * USD, 0).ok);
  assert.ok(ledger.tryReserve(tags({ project: 'b' }), 1 * USD, 0).ok, 'project b has its own dollar');
  assert.equal(ledger.tryReserve(tags({ project: 'a' }), 0.01 * USD, 0).ok, false);
});

test('the limiting bucket is the one that needs longest to refill, with its wait', () => {
  const ledger = new BudgetLedger([
    limit({ scope: 'team', id: 't', limit_usd: 1, per: 'hour' }),
    limit({ scope: 'project', id: 'p', limit_usd: 1, per: 'minute' }),
  ]);
  const t = tags({ team: 't', project: 'p' });
  assert.ok(ledger.tryReserve(t, 1 * USD, 0).ok);
  const r = ledger.tryReserve(t, 0.5 * USD, 0);
  assert.ok(!r.ok);
  assert.equal(r.limitedBy, 'team:t');
  assert.equal(r.waitMs, 1_800_000);
});

test('settling gives back what the attempt did not spend', () => {
  const ledger = new BudgetLedger([limit({ limit_usd: 1 })]);
  const t = tags({ team: 'payments' });
  const r = ledger.tryReserve(t, 0.9 * USD, 0);
  assert.ok(r.ok);
  assert.equal(ledger.tryReserve(t, 0.5 * USD, 0).ok, false);
  ledger.settle(r.reservation, 0.1 * USD, 0);
  assert.ok(ledger.tryReserve(t, 0.5 * USD, 0).ok);
});

test('a reload keeps the levels of unchanged limits and resets changed ones', () => {
  const a = limit({ scope: 'team', id: 'a' });
  const b = limit({ scope: 'team', id: 'b' });
  const ledger = new BudgetLedger([a, b]);
  ledger.tryReserve(tags({ team: 'a' }), 1 * USD, 0);
  ledger.tryReserve(tags({ team: 'b' }), 1 * USD, 0);
  ledger.replaceLimits([a, { ...b, limit_usd: 2 }]);
  assert.equal(ledger.tryReserve(tags({ team: 'a' }), 0.1 * USD, 0).ok, false, 'team a still spent');
  assert.ok(ledger.tryReserve(tags({ team: 'b' }), 1.5 * USD, 0).ok, 'team b has its new limit');
});
