import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDrill } from '../cli/drill.ts';

// The drills' promises about outcomes; their latency figures are reported, not asserted.

test('one of three providers hard down: every request succeeds and every attempt is stored', async () => {
  const r = await runDrill('outage', 80, 8);
  assert.equal(r.succeeded, 80);
  assert.ok(r.attempts > 80 && (r.attempts_by_provider.anthropic ?? 0) > 0);
  assert.equal(r.stored_attempts, r.attempts);
});

test('a 30% 429 storm on the primary: every request succeeds', async () => {
  const r = await runDrill('rate-limit-storm', 80, 8);
  assert.equal(r.succeeded, 80);
  assert.equal(r.stored_attempts, r.attempts);
});

test('everything down: requests fail fast, and open circuits keep attempts from multiplying', async () => {
  const r = await runDrill('all-down', 80, 8);
  assert.equal(r.failed, 80);
  assert.ok(r.attempts < 2 * 80, `attempts ${r.attempts}`);
  assert.equal(r.cost_usd, '0.000000000000');
  assert.equal(r.stored_attempts, r.attempts);
});
