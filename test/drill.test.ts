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

test('a team budget runs out mid-run: its requests get 429, other teams keep being served, every decision is stored', async () => {
  const r = await runDrill('budget-exhausted', 60, 4);
  const rejected = r.statuses['429'] ?? 0;
  assert.ok(rejected > 0 && rejected < 20, `429s: ${rejected} (team-0 is a third of the traffic)`);
  assert.equal(r.succeeded + rejected, 60);
  assert.equal(r.budget_decisions.reject, rejected);
  assert.ok((r.budget_decisions.allow ?? 0) > 0 && (r.budget_decisions.none ?? 0) > 0, JSON.stringify(r.budget_decisions));
  assert.equal(r.stored_attempts, r.attempts);
});

test('latency spike to 10 s on the primary: hedging keeps every request well under the spike', async () => {
  const r = await runDrill('latency-spike', 40, 4);
  assert.equal(r.succeeded, 40);
  assert.ok(r.p99_ms < 5000, `p99 ${r.p99_ms} ms`);
});
