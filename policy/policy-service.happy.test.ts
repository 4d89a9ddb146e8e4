import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyService } from './policy-service.ts';
import { latestDecisions } from './decision-store.ts';
import { createOverride } from './override-store.ts';
import { clientRows } from './row-reader.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { freshEmbeddedStore } from '../test/support/embedded-store.ts';
import { sampleAttemptEvent } from '../test/support/sample-event.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

const NOW = Date.parse('2026-11-30T10:00:30.000Z');
const deployment = (name: string) => ({
  name,
  provider: 'openai-compatible',
  base_url: 'http://127.0.0.1:1/v1',
  api_key_env: 'K',
  model: 'm',
  price: { input_per_mtok: '1', output_per_mtok: '2' },
});
const routes = parseRoutesConfig({ routes: [{ name: 'chat', deployments: [deployment('a'), deployment('b')] }] });

test('the service scores configured deployments from the rollup, stores decisions, applies overrides, resumes after a restart', async () => {
  const events: AttemptEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const started = new Date(NOW - 20_000 + i * 100).toISOString();
    events.push(sampleAttemptEvent({ deployment: 'a', started_at: started }));
    events.push(sampleAttemptEvent({ deployment: 'b', started_at: started, status: 'error', error_class: 'server', http_status: 500 }));
    events.push(sampleAttemptEvent({ deployment: 'removed', started_at: started }));
  }
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'policy-service' });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));

  let now = NOW;
  const service = new PolicyService({ clickhouse: store.client, routes, intervalMs: 5000, windowMs: 30_000, clock: { now: () => now } });
  const first = await service.evaluate();
  const by = Object.fromEntries(first.decisions.map((d) => [d.deployment, d]));
  assert.deepEqual(Object.keys(by).sort(), ['a', 'b'], 'only configured deployments get a weight');
  assert.equal(by.a!.reason, 'healthy');
  assert.equal(by.b!.reason, 'failing');
  assert.equal(by.b!.weight, 0);
  assert.equal(by.a!.evidence.attempts, 40);

  await createOverride(
    store.client,
    { route: 'chat', deployment: 'b', action: 'pin', share: null, actor: 'alice', reason: 'vendor test', expiresAtMs: NOW + 60_000 },
    NOW + 1000,
  );
  now = NOW + 5000;
  const pinned = Object.fromEntries((await service.evaluate()).decisions.map((d) => [d.deployment, d]));
  assert.equal(pinned.b!.reason, 'pinned');
  assert.equal(pinned.b!.share, 1);
  assert.equal(pinned.a!.reason, 'pinned_elsewhere');
  assert.match(pinned.a!.detail, /override route pinned to b by alice at .* until 2026-11-30T10:01:30.000Z: "vendor test"/);

  const stored = await latestDecisions(clientRows(store.client), now, 60_000);
  assert.deepEqual(
    stored.map((s) => [s.decision.deployment, s.decision.reason, s.decision.override?.actor]),
    [
      ['a', 'pinned_elsewhere', 'alice'],
      ['b', 'pinned', 'alice'],
    ],
  );
  assert.ok(stored[0]!.craftEvidence.reliability!.evidence.some((e) => e.name === 'ok' && e.value === 40));

  // A restarted service resumes b from the weight the evidence asked for, not its pinned 1.
  now = NOW + 70_000;
  const restarted = new PolicyService({ clickhouse: store.client, routes, intervalMs: 5000, windowMs: 30_000, clock: { now: () => now } });
  const after = Object.fromEntries((await restarted.evaluate()).decisions.map((d) => [d.deployment, d]));
  assert.equal(after.b!.override, null, 'the pin expired');
  assert.ok(after.b!.weight <= 0.1, String(after.b!.weight));
});
