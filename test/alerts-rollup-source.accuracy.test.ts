import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptEvent } from '../core/events/attempt-event.ts';
import { alertRuleSchema, type AlertRuleInput } from '../policy/alerts/rules/alert-rule-schema.ts';
import { RollupWindowSource } from '../policy/alerts/source/rollup-window-source.ts';
import { planWindows } from '../policy/alerts/source/window-plan.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { ingestThroughPipeline } from './support/seeded-traffic.ts';

const MIN = 60_000;
const END = Date.UTC(2026, 10, 30, 12); // evaluation at 12:00:30, current window 11:55–12:00
const NOW = END + 30_000;
let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let source: RollupWindowSource;

/** One attempt at `minutesBefore` END (+ 10 s), for a key, with a cost and outcome. */
function at(minutesBefore: number, key: string, cost: string, over: Partial<AttemptEvent> = {}): AttemptEvent {
  const started = END - minutesBefore * MIN + 10_000;
  const e = sampleAttemptEvent({ started_at: new Date(started).toISOString(), ended_at: new Date(started + 300).toISOString(), cost_usd: cost, ...over });
  return { ...e, tags: { ...e.tags, api_key_id: key, team: key.startsWith('s') ? 'search' : 'payments' } };
}

before(async () => {
  store = await freshEmbeddedStore();
  source = new RollupWindowSource(store.client);
  await ingestThroughPipeline(store.client, [
    // current window: search 0.30 over 3 attempts (one 429, one failover), payments 0.05
    at(1, 's-1', '0.100000000000', { latency_ms: 100 }),
    at(2, 's-1', '0.150000000000', { latency_ms: 200, status: 'rate_limited', http_status: 429, error_class: 'rate_limited', is_final: false }),
    at(2, 's-2', '0.050000000000', { latency_ms: 900, attempt_no: 2, fallback_reason: 'rate_limited' }),
    at(4, 'p-1', '0.050000000000', { latency_ms: 300 }),
    // outside every window (5–60 min before END): ignored
    at(30, 's-1', '9.000000000000'),
    // baseline windows one and two hours back
    at(61, 's-1', '0.010000000000'),
    at(122, 's-2', '0.020000000000'),
    at(124, 's-2', '0.020000000000'),
  ]);
});
after(async () => store.dispose());

const rule = (over: Partial<AlertRuleInput>) =>
  alertRuleSchema.parse({ name: 'r', metric: 'spend_usd', window: '5m', condition: { type: 'anomaly', baseline: { every: '1h', count: 3 } }, ...over });
const read = async (over: Partial<AlertRuleInput>) => {
  const r = rule(over);
  return Object.fromEntries((await source.read(r, planWindows(r, NOW))).map((g) => [Object.values(g.labels).join('/'), g]));
};

test('spend by team: the current window and each baseline window, exact to the cent', async () => {
  const g = await read({ group_by: ['team'] });
  assert.ok(Math.abs(g.search!.current!.value - 0.3) < 1e-9);
  assert.equal(g.search!.current!.volume, 2, 'volume counts requests (final attempts)');
  assert.deepEqual(
    g.search!.baseline.map((v) => (v === null ? null : Math.round(v * 100) / 100)),
    [0.01, 0.04, null],
  );
  assert.ok(Math.abs(g.payments!.current!.value - 0.05) < 1e-9);
});

test('ratios by route and provider from the operations rollup', async () => {
  const rl = await read({ metric: 'rate_limit_rate', group_by: ['route', 'provider'] });
  assert.ok(Math.abs(rl['chat/openai']!.current!.value - 1 / 4) < 1e-9);
  assert.equal(rl['chat/openai']!.current!.volume, 4, 'volume counts attempts');
  const fb = await read({ metric: 'fallback_rate', group_by: ['route'] });
  assert.ok(Math.abs(fb.chat!.current!.value - 1 / 4) < 1e-9);
});

test('p99 latency merges the TDigest states of the window', async () => {
  const g = await read({ metric: 'p99_latency_ms', group_by: ['deployment'] });
  const p99 = g['openai-primary']!.current!.value;
  assert.ok(p99 > 300 && p99 <= 900, String(p99));
});

test('per key: spend per minute (5-minute mean) from the key rollup; filters narrow it', async () => {
  const g = await read({ group_by: ['team', 'api_key_id'], aggregation: 'avg_per_minute', filters: { team: 'search' } });
  assert.deepEqual(Object.keys(g).sort(), ['search/s-1', 'search/s-2']);
  assert.ok(Math.abs(g['search/s-1']!.current!.value - 0.25 / 5) < 1e-9);
});

test('a ratio by key is refused with the reason', async () => {
  await assert.rejects(read({ metric: 'error_rate', group_by: ['api_key_id'] }), /only spend_usd, tokens and requests/);
});
