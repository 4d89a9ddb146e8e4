import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grantLease, leaseTotals, UNLEASED_HOLDER, unleasedSpendNano, type LeaseHolder } from './lease-grant.ts';

// Pure grant math on an explicit clock: spend made before a budget's first lease, with the rollup
// lagging (it shows only that earlier spend) or running ahead of the collectors' reports.

const LIMIT = 400_000;
const BEFORE = 189_600;

/** One grantor step as BudgetGrantor runs it: raise the unleased entry, then grant. */
function renew(holders: Map<string, LeaseHolder>, recorded: number, collector: string, spentNano: number, wantNano: number, nowMs: number): number {
  const unleased = unleasedSpendNano(recorded, holders);
  holders.set(UNLEASED_HOLDER, { spentNano: unleased, allowanceNano: unleased, wantNano: 0, updatedAtMs: nowMs });
  const { holder, allowanceNano } = grantLease(LIMIT, recorded, holders, { collector, spentNano, reservedNano: 0, wantNano }, nowMs);
  holders.set(collector, holder);
  return allowanceNano;
}

test('spend before the first lease counts beside the reports while the rollup lags', () => {
  const holders = new Map<string, LeaseHolder>();
  let spent = 0;
  // The collector spends its whole allowance between renewals; the rollup never moves.
  for (let round = 0; round < 50; round++) spent = renew(holders, BEFORE, 'a', spent, 100_000, round * 2000);
  assert.equal(spent, LIMIT - BEFORE, 'admitted exactly what was left: 0.000210400');
  assert.equal(leaseTotals(LIMIT, BEFORE, holders).spentNano, LIMIT, 'the day total is the limit, 0.000400000');
});

test('a rollup ahead of the reports never counts lease spend as unleased', () => {
  const holders = new Map<string, LeaseHolder>();
  const allowance = renew(holders, BEFORE, 'a', 0, 100_000, 0);
  assert.equal(allowance, 100_000);
  // All of it spent and already in the rollup, not yet reported: still 0.0001896 unleased.
  assert.equal(unleasedSpendNano(BEFORE + allowance, holders), BEFORE);
  const next = renew(holders, BEFORE + allowance, 'a', allowance, 100_000, 2000);
  assert.equal(next, 200_000);
  assert.equal(leaseTotals(LIMIT, BEFORE + allowance, holders).spentNano, BEFORE + allowance);
});

test('unleased spend only grows: a rollup read older than the last one lowers nothing', () => {
  const holders = new Map<string, LeaseHolder>([[UNLEASED_HOLDER, { spentNano: BEFORE, allowanceNano: BEFORE, wantNano: 0, updatedAtMs: 0 }]]);
  assert.equal(unleasedSpendNano(0, holders), BEFORE);
});
