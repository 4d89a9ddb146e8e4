import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeOverrides, applyOverrides, type OperatorOverride } from './operator-overrides.ts';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const o = (action: OperatorOverride['action'], deployment: string, over: Partial<OperatorOverride> = {}): OperatorOverride => ({
  id: `${action}-${deployment}`,
  route: 'chat',
  deployment,
  action,
  share: null,
  actor: 'alice',
  reason: 'maintenance',
  createdAtMs: T0,
  expiresAtMs: T0 + 3_600_000,
  revokedAtMs: null,
  ...over,
});
const rows = [
  { deployment: 'a', configuredWeight: 3, weight: 1 },
  { deployment: 'b', configuredWeight: 1, weight: 0.5 },
  { deployment: 'c', configuredWeight: 1, weight: 1 },
];
const share = (m: ReturnType<typeof applyOverrides>, d: string) => {
  const eff = (x: { deployment: string; configuredWeight: number }) => x.configuredWeight * m.get(x.deployment)!.weight;
  return eff(rows.find((r) => r.deployment === d)!) / rows.reduce((sum, r) => sum + eff(r), 0);
};

test('overrides are active from creation until expiry or revocation', () => {
  const all = [o('drain', 'a'), o('pin', 'b', { expiresAtMs: T0 + 1000 }), o('canary', 'c', { share: 0.1, revokedAtMs: T0 + 500 })];
  assert.deepEqual(
    activeOverrides(all, T0 - 1).map((x) => x.id),
    [],
  );
  assert.deepEqual(
    activeOverrides(all, T0).map((x) => x.id),
    ['drain-a', 'pin-b', 'canary-c'],
  );
  assert.deepEqual(
    activeOverrides(all, T0 + 500).map((x) => x.id),
    ['drain-a', 'pin-b'],
  );
  assert.deepEqual(
    activeOverrides(all, T0 + 1000).map((x) => x.id),
    ['drain-a'],
  );
});

test('drain sets weight 0 and keeps the others in proportion', () => {
  const m = applyOverrides(rows, [o('drain', 'a')]);
  assert.equal(m.get('a')!.weight, 0);
  assert.equal(m.get('a')!.effect, 'drained');
  assert.equal(m.get('c')!.weight, 1);
  assert.equal(m.get('b')!.weight, 0.5);
});

test('pin gives the deployment everything and names the pin on the others', () => {
  const m = applyOverrides(rows, [o('pin', 'b')]);
  assert.equal(share(m, 'b'), 1);
  assert.equal(m.get('a')!.effect, 'pinned_elsewhere');
  assert.equal(m.get('a')!.override!.id, 'pin-b');
});

test('canary holds exactly its share of the route, the others keep their proportions, all multipliers ≤ 1', () => {
  const m = applyOverrides(rows, [o('canary', 'c', { share: 0.1 })]);
  assert.ok(Math.abs(share(m, 'c') - 0.1) < 1e-3, String(share(m, 'c')));
  assert.ok(Math.abs(share(m, 'a') / share(m, 'b') - 6) < 1e-2);
  for (const w of m.values()) assert.ok(w.weight <= 1);
  const big = applyOverrides(rows, [o('canary', 'c', { share: 0.9 })]);
  assert.ok(Math.abs(share(big, 'c') - 0.9) < 1e-3);
  assert.equal(big.get('c')!.weight, 1);
});

test('overrides for deployments not configured are ignored', () => {
  const m = applyOverrides(rows, [o('pin', 'gone')]);
  assert.deepEqual(
    [...m.values()].map((w) => w.effect),
    ['none', 'none', 'none'],
  );
});
