import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grantLease, leaseTotals, type LeaseHolder } from './lease-grant.ts';

const req = (collector: string, wantNano: number, spentNano = 0, reservedNano = 0) => ({ collector, wantNano, spentNano, reservedNano });

test('a lone collector gets what it asks for, up to what remains', () => {
  const holders = new Map<string, LeaseHolder>();
  assert.equal(grantLease(1000, 0, holders, req('a', 300), 0).allowanceNano, 300);
  assert.equal(grantLease(1000, 0, holders, req('a', 5000), 0).allowanceNano, 1000);
  assert.equal(grantLease(1000, 900, holders, req('a', 5000), 0).allowanceNano, 100, 'the rollup spend counts');
});

test('grants never add up to more than remains, whatever order collectors ask in', () => {
  const holders = new Map<string, LeaseHolder>();
  const limit = 10_000;
  let spent = 0;
  for (let round = 0; round < 200; round++) {
    for (const id of ['a', 'b', 'c']) {
      const h = holders.get(id);
      // Each collector spent part of its allowance since its last renewal.
      const s = h ? h.spentNano + Math.floor((unspentOf(h) * ((round % 3) + 1)) / 4) : 0;
      spent += s - (h?.spentNano ?? 0);
      const { holder } = grantLease(limit, 0, holders, req(id, 700 + 100 * (round % 5), s), round * 1000);
      holders.set(id, holder);
      const totals = leaseTotals(limit, 0, holders);
      assert.ok(totals.spentNano + totals.leasedNano <= limit, `round ${round}: ${totals.spentNano} + ${totals.leasedNano}`);
    }
  }
  assert.ok(spent <= limit && spent > limit * 0.9, `spent ${spent}`);
});

test('competing collectors share the remainder by demand; an unreachable holder keeps its lease', () => {
  const holders = new Map<string, LeaseHolder>([['b', { spentNano: 0, allowanceNano: 400, wantNano: 3000, updatedAtMs: 0 }]]);
  const a = grantLease(1000, 0, holders, req('a', 1000), 1000);
  // remaining 1000 × 1000 / 4000 = 250, and b's 400 unspent are not taken from it.
  assert.equal(a.allowanceNano, 250);
  holders.set('a', a.holder);
  const c = grantLease(1000, 0, holders, req('c', 10_000), 2000);
  assert.ok(c.allowanceNano <= 1000 - 400 - 250, `c got ${c.allowanceNano}`);
});

test('in-flight reservations are never taken back, and a restarted collector is known by its spend', () => {
  const holders = new Map<string, LeaseHolder>([['a', { spentNano: 600, allowanceNano: 900, wantNano: 300, updatedAtMs: 0 }]]);
  const again = grantLease(1000, 0, holders, req('a', 0, 0, 0), 5000);
  assert.equal(again.holder.spentNano, 600, 'a lower spend report (a restart) does not erase spend');
  assert.equal(again.allowanceNano, 600, 'asking for nothing returns the unspent allowance');
  const inFlight = grantLease(1000, 0, holders, req('a', 0, 600, 250), 5000);
  assert.equal(inFlight.allowanceNano, 850);
});

function unspentOf(h: LeaseHolder): number {
  return Math.max(0, h.allowanceNano - h.spentNano);
}
