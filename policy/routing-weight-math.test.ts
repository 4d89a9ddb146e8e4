import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoutingWeights, defaultWeightPolicy } from './routing-weight-math.ts';

const s = (deployment: string, attempts: number, ok: number, p95Ms: number | null = 100) => ({ route: 'chat', deployment, attempts, ok, p95Ms });
const byName = (rows: ReturnType<typeof computeRoutingWeights>) => Object.fromEntries(rows.map((r) => [r.deployment, r]));

test('a deployment failing most attempts gets weight 0; healthy ones full weight', () => {
  const w = byName(computeRoutingWeights([s('a', 100, 100), s('b', 100, 10, null), s('c', 100, 97)]));
  assert.equal(w.a!.weight, 1);
  assert.equal(w.b!.weight, 0);
  assert.equal(w.b!.reason, 'failing');
  assert.equal(w.c!.weight, 1);
});

test('reliability ramps linearly between the failing and healthy success rates', () => {
  const w = byName(computeRoutingWeights([s('a', 100, 50), s('b', 100, 72), s('c', 100, 95), s('d', 1000, 725)]));
  assert.equal(w.a!.weight, 0);
  assert.equal(w.c!.weight, 1);
  assert.equal(w.d!.weight, 0.5);
  assert.equal(w.d!.reason, 'degraded');
});

test('too few samples earn a probe share, so a recovered deployment is rediscovered', () => {
  const w = byName(computeRoutingWeights([s('a', 0, 0, null), s('b', 4, 0, null)]));
  assert.equal(w.a!.weight, defaultWeightPolicy.probeWeight);
  assert.equal(w.a!.successRate, null);
  assert.equal(w.b!.reason, 'probe');
});

test('latency scales weight relative to the fastest healthy deployment of the route, floored', () => {
  const w = byName(computeRoutingWeights([s('fast', 50, 50, 100), s('slow', 50, 50, 200), s('glacial', 50, 50, 10_000)]));
  assert.equal(w.fast!.weight, 1);
  assert.equal(w.slow!.weight, 0.6); // (100 + 50) / (200 + 50)
  assert.equal(w.glacial!.weight, defaultWeightPolicy.minLatencyFactor);
});

test('a few milliseconds of latency noise barely move the weight', () => {
  const w = byName(computeRoutingWeights([s('a', 50, 50, 1), s('b', 50, 50, 3)]));
  assert.ok(w.b!.weight > 0.95, String(w.b!.weight));
});

test('a failing deployment does not set the latency yardstick, and routes are independent', () => {
  const rows = computeRoutingWeights([
    s('failing-but-fast', 50, 5, 1),
    s('ok', 50, 50, 100),
    { route: 'other', deployment: 'x', attempts: 50, ok: 50, p95Ms: 1000 },
  ]);
  const w = byName(rows);
  assert.equal(w.ok!.weight, 1);
  assert.equal(w.x!.weight, 1);
});
