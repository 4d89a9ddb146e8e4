import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryDeploymentEvidence } from './deployment-evidence-query.ts';
import { serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { freshEmbeddedStore } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

const NOW = Date.parse('2026-11-22T12:00:30.000Z');
const at = (msBeforeNow: number, over: Partial<AttemptEvent>) => {
  const started = NOW - msBeforeNow;
  return sampleAttemptEvent({ started_at: new Date(started).toISOString(), ended_at: new Date(started + (over.latency_ms ?? 200)).toISOString(), ...over });
};
const windows = {
  windowMs: 30_000,
  recentMs: 300_000,
  availabilityMs: 3_600_000,
  downMinuteSuccessRate: 0.5,
  evidenceZ: 1.645,
  rateLimitedFailureWeight: 0.5,
};

test('evidence comes from the per-minute rollup: outcomes split by fault, TDigest quantiles, three windows, healthy minutes', async () => {
  const events: AttemptEvent[] = [
    // This minute: 20 ok at 100…290 ms, 5 server errors, 3 429s, 2 caller mistakes, 1 content-filter refusal.
    ...Array.from({ length: 20 }, (_, i) => at(10_000 + i * 1000, { deployment: 'a', latency_ms: 100 + i * 10 })),
    ...Array.from({ length: 5 }, () => at(5_000, { deployment: 'a', status: 'error', error_class: 'server', latency_ms: 5000 })),
    ...Array.from({ length: 3 }, () => at(5_000, { deployment: 'a', status: 'rate_limited', error_class: 'rate_limited', http_status: 429 })),
    ...Array.from({ length: 2 }, () => at(5_000, { deployment: 'a', status: 'error', error_class: 'invalid_request', http_status: 400 })),
    at(5_000, { deployment: 'a', status: 'error', error_class: 'content_filter', http_status: 400 }),
    // 2 answers served although the provider cut them for content (found: stored ok, seen by no factor).
    ...Array.from({ length: 2 }, () => at(5_000, { deployment: 'a', finish_reason: 'content_filter', latency_ms: 150 })),
    // No verdict: a lost hedge, an open circuit, a budget refusal.
    at(5_000, { deployment: 'a', status: 'cancelled', error_class: 'hedge_lost' }),
    at(5_000, { deployment: 'a', status: 'rejected', error_class: 'circuit_open' }),
    at(5_000, {
      deployment: 'a',
      status: 'rejected',
      error_class: 'budget_exhausted',
      budget: { decision: 'reject', reserved_usd: '0', delay_ms: 0, limited_by: 'team:x' },
    }),
    // Three minutes ago: 10 ok, outside the policy window, inside the 5-minute one.
    ...Array.from({ length: 10 }, () => at(180_000, { deployment: 'a', cost_usd: '0.001000000000', input_tokens: 900, output_tokens: 100 })),
    // 20 minutes ago, a minute down: 1 ok of 10 (Wilson upper bound 37 % < 50 %). This minute is up:
    // 20 ok of 26.5 weighted (75 %) is unreliable, which Reliability counts, but not down.
    at(20 * 60_000, { deployment: 'a' }),
    ...Array.from({ length: 9 }, () => at(20 * 60_000, { deployment: 'a', status: 'error', error_class: 'server', latency_ms: 5000 })),
    // Two hours ago: outside every window, so not evidence at all.
    at(2 * 3_600_000, { deployment: 'b' }),
  ];
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'policy-window' });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));

  const evidence = await queryDeploymentEvidence(store.client, NOW, windows);
  assert.deepEqual(
    evidence.map((e) => e.deployment),
    ['a'],
  );
  const { window: win, recent, minutes } = evidence[0]!;
  assert.deepEqual([win.ok, win.serverErrors, win.rateLimited, win.clientErrors, win.contentFiltered, win.servedContentFiltered], [22, 5, 3, 2, 1, 2]);
  assert.equal(win.windowS, 30, 'now − 30 s is 12:00:00, a minute boundary');
  assert.ok(win.latencyMs!.p95 >= 260 && win.latencyMs!.p95 <= 290, `p95 ≈ 280 ms, got ${win.latencyMs!.p95}`);
  assert.equal(evidence[0]!.hour.latencyMs, null, 'the hour merges no latency: nothing reads it');
  assert.equal(recent.ok, 32);
  assert.equal(recent.servedContentFiltered, 2);
  assert.equal(recent.windowS, 330);
  assert.equal(recent.tokens - win.tokens, 10_000);
  assert.ok(Math.abs(recent.costUsd - win.costUsd - 0.01) < 1e-9);
  assert.deepEqual(minutes, { windowS: 3630, observed: 3, healthy: 2 });
  assert.equal(evidence[0]!.hour.ok, 33);
  assert.equal(evidence[0]!.hour.servedContentFiltered, 2);
  assert.equal(evidence[0]!.hour.windowS, 3630);
});
