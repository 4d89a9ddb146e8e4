import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryDeploymentWindow } from './deployment-window-query.ts';
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

test('the window comes from the per-minute rollup: verdicts only, ok count, p95 of ok latency, silent deployments kept', async () => {
  const events: AttemptEvent[] = [
    // In the window (this minute and the one the 30 s window starts in): 20 ok at 100…290 ms, 5 errors.
    ...Array.from({ length: 20 }, (_, i) => at(10_000 + i * 1000, { deployment: 'a', latency_ms: 100 + i * 10 })),
    ...Array.from({ length: 5 }, () => at(5_000, { deployment: 'a', status: 'error', error_class: 'server', latency_ms: 5000 })),
    // No verdict: a lost hedge, an open circuit, a budget refusal.
    at(5_000, { deployment: 'a', status: 'cancelled', error_class: 'hedge_lost' }),
    at(5_000, { deployment: 'a', status: 'rejected', error_class: 'circuit_open' }),
    at(5_000, { deployment: 'a', status: 'rejected', error_class: 'budget_exhausted', budget: { decision: 'reject', reserved_usd: '0', delay_ms: 0, limited_by: 'team:x' } }),
    // Seen two hours ago, silent now.
    at(2 * 3_600_000, { deployment: 'b' }),
  ];
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'policy-window' });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));

  const stats = await queryDeploymentWindow(store.client, NOW, 30_000);
  assert.deepEqual(stats.map(({ p95Ms: _p, ...s }) => s), [
    { route: 'chat', deployment: 'a', attempts: 25, ok: 20 },
    { route: 'chat', deployment: 'b', attempts: 0, ok: 0 },
  ]);
  const p95 = stats[0]!.p95Ms!;
  assert.ok(p95 >= 260 && p95 <= 290, `p95 of ok latency ≈ 280 ms (TDigest), got ${p95}`);
  assert.equal(stats[1]!.p95Ms, null);
});

test('a window that is not whole minutes counts whole minutes from the rollup and exactly its edges from raw', async () => {
  const now = Date.parse('2026-11-22T15:00:30.000Z');
  const event = (iso: string, over: Partial<AttemptEvent> = {}) => sampleAttemptEvent({ route: 'edges', deployment: 'e', started_at: iso, ended_at: iso, latency_ms: 100, ...over });
  const events = [
    event('2026-11-22T14:55:10.000Z'), // before the window, in its first minute: not counted
    event('2026-11-22T14:55:40.000Z'), // leading edge, from raw
    event('2026-11-22T14:57:00.000Z'), // whole minutes, from the rollup
    event('2026-11-22T14:59:59.000Z', { status: 'error', error_class: 'server' }),
    event('2026-11-22T15:00:10.000Z'), // trailing edge, from raw
    event('2026-11-22T15:00:40.000Z'), // after now: not counted
  ];
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'policy-edges' });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));
  const [edges] = (await queryDeploymentWindow(store.client, now, 5 * 60_000)).filter((s) => s.route === 'edges');
  assert.deepEqual(edges, { route: 'edges', deployment: 'e', attempts: 4, ok: 3, p95Ms: 100 });
  const [short] = (await queryDeploymentWindow(store.client, now, 25_000)).filter((s) => s.route === 'edges');
  assert.deepEqual(short, { route: 'edges', deployment: 'e', attempts: 1, ok: 1, p95Ms: 100 }, 'a window inside one minute keeps its length');
});
