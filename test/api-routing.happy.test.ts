import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { storeEvents } from '../api/testing/seed.ts';
import { scalar } from './support/embedded-store.ts';
import { sampleAttemptEvent } from './support/sample-event.ts';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { PolicyService } from '../policy/policy-service.ts';
import { routingDecisionSchema } from '../policy/routing-decision-contract.ts';
import { RoutingWeights } from '../collector/routing/routing-weights.ts';
import { WeightsPoller } from '../collector/routing/weights-poller.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';

const NOW = Date.parse('2026-11-30T10:00:30.000Z');
let now = NOW;
const clock = { now: () => now };
let api: Awaited<ReturnType<typeof startTestApi>>;
let policy: PolicyService;

const deployment = (name: string) => ({
  name,
  provider: 'openai-compatible',
  base_url: 'http://127.0.0.1:1/v1',
  api_key_env: 'K',
  model: 'm',
  price: { input_per_mtok: '1', output_per_mtok: '2' },
});
const routes = parseRoutesConfig({
  routes: [
    { name: 'chat', slo: { ttft_ms: 1000, latency_ms: 10000 }, craft: { kind: 'interactive' }, deployments: [deployment('a'), deployment('b')] },
    { name: 'batch', slo: { latency_ms: 60000 }, craft: { kind: 'batch' }, deployments: [deployment('x')] },
  ],
});

const event = (route: string, dep: string, i: number, over: Partial<AttemptEvent>): AttemptEvent => {
  const started = NOW - 20_000 + i * 100;
  return sampleAttemptEvent({
    route,
    deployment: dep,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(started + (over.latency_ms ?? 200)).toISOString(),
    ...over,
    tags: { ...sampleAttemptEvent().tags, team: 'search' },
  });
};

before(async () => {
  api = await startTestApi(
    [testToken('svc', 'service'), testToken('view', 'viewer', ['search']), testToken('op', 'operator', ['*']), testToken('other', 'viewer', ['payments'])],
    { clock },
  );
  await storeEvents(api.store.client, [
    // chat/a: 30 streams, TTFT 300 ms, latency 2 s (meet the SLO); chat/b: 10 streams with TTFT 1.5 s (miss it).
    ...Array.from({ length: 30 }, (_, i) => event('chat', 'a', i, { is_stream: true, ttft_ms: 300, latency_ms: 2000 })),
    ...Array.from({ length: 10 }, (_, i) => event('chat', 'b', i, { is_stream: true, ttft_ms: 1500, latency_ms: 3000 })),
    // batch/x: 5 non-streamed answers of 30 s (within 60 s).
    ...Array.from({ length: 5 }, (_, i) => event('batch', 'x', i, { latency_ms: 30_000 })),
  ]);
  policy = new PolicyService({ clickhouse: api.store.client, routes, intervalMs: 5000, windowMs: 30_000, clock });
  await policy.evaluate();
});
after(() => api.close());

const WEIGHTS =
  '{ routingWeights { route deployment weight share reason detail computedAt factors { composite cost reliability availability flexibility trust health reliabilityHealth latencyHealth confidence target } evidence { attempts successRate rateLimitedShare p95Ms windowS } override { id action share actor reason expiresAt } } }';
type Weight = { route: string; deployment: string; reason: string; detail: string; override: { actor: string; reason: string } | null };

test('routingWeights: every route in one call, each row the shared contract; team-less, so a service token may read it', async () => {
  const answer = await api.gql<{ routingWeights: unknown[] }>(WEIGHTS, {}, 'svc');
  assert.ok(answer.data, JSON.stringify(answer.errors));
  const rows = answer.data.routingWeights.map((r) => routingDecisionSchema.parse(r));
  assert.deepEqual(
    rows.map((r) => `${r.route}/${r.deployment}`),
    ['batch/x', 'chat/a', 'chat/b'],
  );
  const one = await api.gql<{ routingWeights: Array<{ deployment: string }> }>('{ routingWeights(route: "chat") { deployment attempts } }', {}, 'svc');
  assert.deepEqual(
    one.data!.routingWeights.map((r) => r.deployment),
    ['a', 'b'],
  );
});

test('the collector poller applies the API answer through the same contract', async () => {
  const weights = new RoutingWeights();
  const poller = new WeightsPoller({ apiUrl: api.url, token: 'tok-svc', routes: () => ['chat'], weights, intervalMs: 1000, clock });
  assert.equal(await poller.pollOnce(), true);
  assert.ok(weights.policyWeight('chat', 'a')! > 0);
  assert.equal(poller.isStale(), false);
});

test('providerScores: the latest CRAFT factors with evidence, and history per bucket', async () => {
  const q = `{ providerScores(route: "chat", from: "2026-11-30T09:59:00Z", to: "2026-11-30T10:01:00Z", bucketSeconds: 60) {
    current { deployment composite factors { name score windowS evidence { name value unit } } }
    history { deployment bucketStart composite reliability weight evaluations } } }`;
  const answer = await api.gql<{
    providerScores: {
      current: Array<{ deployment: string; factors: Array<{ name: string; windowS: number; evidence: Array<{ name: string; value: number }> }> }>;
      history: Array<{ deployment: string; evaluations: number }>;
    };
  }>(q, {}, 'view');
  assert.ok(answer.data, JSON.stringify(answer.errors));
  const a = answer.data.providerScores.current.find((c) => c.deployment === 'a')!;
  assert.deepEqual(
    a.factors.map((f) => f.name),
    ['cost', 'reliability', 'availability', 'flexibility', 'trust'],
  );
  const reliability = a.factors.find((f) => f.name === 'reliability')!;
  assert.equal(reliability.evidence.find((e) => e.name === 'ok')!.value, 30);
  assert.ok(reliability.windowS >= 300);
  assert.deepEqual(
    answer.data.providerScores.history.map((h) => [h.deployment, h.evaluations]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
});

test('a route with no routing decisions is BAD_USER_INPUT naming the argument and the routes there are (found: an empty list, read as "no deployments")', async () => {
  for (const [q, who] of [
    ['{ routingWeights(route: "chta") { deployment } }', 'svc'],
    ['{ providerScores(route: "chta") { current { deployment } } }', 'view'],
  ] as const) {
    const answer = await api.gql(q, {}, who);
    assert.equal(answer.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', q);
    assert.equal(answer.errors![0]!.extensions!.argument, 'route');
    assert.match(answer.errors![0]!.message, /no route "chta" has routing decisions from the last 24 h \(routes with decisions: batch, chat\)/);
  }
});

test('latencyReport: percentiles from the rollup by deployment, team-scoped', async () => {
  const q = `{ latencyReport(window: LAST_5M, groupBy: [deployment]) { rows { group { dimension value } attempts ok latencyMs { p50 p95 } ttftMs { p95 } timePerOutputTokenMs { p50 } } } }`;
  const answer = await api.gql<{
    latencyReport: { rows: Array<{ group: Array<{ value: string }>; attempts: string; latencyMs: { p95: number }; ttftMs: { p95: number } | null }> };
  }>(q, {}, 'view');
  assert.ok(answer.data, JSON.stringify(answer.errors));
  const by = Object.fromEntries(answer.data.latencyReport.rows.map((r) => [r.group[0]!.value, r]));
  assert.equal(by.a!.latencyMs.p95, 2000);
  assert.equal(by.a!.ttftMs!.p95, 300);
  assert.equal(by.x!.ttftMs, null, 'no streams, no TTFT');
  assert.equal(String(by.b!.attempts), '10');
  const other = await api.gql<{ latencyReport: { rows: unknown[] } }>(q, {}, 'other');
  assert.deepEqual(other.data!.latencyReport.rows, [], 'a viewer of another team reads nothing');
});

test('goodputReport: per route SLO from the routes file, exact from the buckets; an explicit SLO overrides it', async () => {
  const q = `query($slo: GoodputSloInput) { goodputReport(window: LAST_1H, groupBy: [deployment], slo: $slo) { rows { route group { value } slo { latencyMs ttftMs } served met share perSecond } } }`;
  const answer = await api.gql<{
    goodputReport: {
      rows: Array<{
        route: string;
        group: Array<{ value: string }>;
        slo: { latencyMs: number; ttftMs: number | null };
        served: string;
        met: string;
        share: number;
        perSecond: number;
      }>;
    };
  }>(q, {}, 'view');
  assert.ok(answer.data, JSON.stringify(answer.errors));
  const by = Object.fromEntries(answer.data.goodputReport.rows.map((r) => [`${r.route}/${r.group[0]!.value}`, r]));
  assert.deepEqual([by['chat/a']!.served, by['chat/a']!.met, by['chat/a']!.share], ['30', '30', 1]);
  assert.deepEqual([by['chat/b']!.met, by['chat/b']!.share], ['0', 0]);
  assert.deepEqual(by['batch/x']!.slo, { latencyMs: 60000, ttftMs: null });
  assert.equal(by['batch/x']!.met, '5');
  // LAST_1H at 10:00:30 is rounded out to whole minutes: 09:00–10:01, 3660 s.
  assert.ok(Math.abs(by['chat/a']!.perSecond - 30 / 3660) < 1e-9);
  const tight = await api.gql<typeof answer.data>(q, { slo: { latencyMs: 1000 } }, 'view');
  assert.ok(tight.data!.goodputReport.rows.every((r) => r.met === '0'));
  const bad = await api.gql(q, { slo: { latencyMs: 1234 } }, 'view');
  assert.equal(bad.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
  assert.match(bad.errors![0]!.message, /latencyMs must be one of 250, 500/);
});

test('overrides: operators only, validated, audit-logged, visible in the weight reason, liftable', async () => {
  const SET = `mutation($action: OverrideAction!, $deployment: String!, $share: Float) {
    setRoutingOverride(route: "chat", deployment: $deployment, action: $action, share: $share, reason: "provider maintenance", expiresAt: "2026-11-30T11:00:00Z") { id action actor active } }`;
  const denied = await api.gql(SET, { action: 'drain', deployment: 'a' }, 'view');
  assert.equal(denied.errors![0]!.extensions!.code, 'FORBIDDEN');
  const noShare = await api.gql(SET, { action: 'canary', deployment: 'a' }, 'op');
  assert.equal(noShare.errors![0]!.extensions!.argument, 'share');
  const unknown = await api.gql(SET, { action: 'drain', deployment: 'nope' }, 'op');
  assert.match(unknown.errors![0]!.message, /no deployment "nope" \(configured: a, b\)/);

  const set = await api.gql<{ setRoutingOverride: { id: string; actor: string; active: boolean } }>(SET, { action: 'drain', deployment: 'a' }, 'op');
  assert.ok(set.data, JSON.stringify(set.errors));
  assert.deepEqual([set.data.setRoutingOverride.actor, set.data.setRoutingOverride.active], ['op', true]);
  assert.equal(
    await scalar(
      api.store.client,
      "SELECT count() FROM api_audit_log WHERE operation = 'Mutation.setRoutingOverride' AND principal_id = 'op' AND outcome = 'ok'",
    ),
    '1',
  );

  now = NOW + 5000;
  await policy.evaluate();
  const weights = (await api.gql<{ routingWeights: Weight[] }>(WEIGHTS, {}, 'svc')).data!.routingWeights;
  const a = weights.find((w) => w.deployment === 'a')!;
  assert.equal(a.reason, 'drained');
  assert.deepEqual([a.override!.actor, a.override!.reason], ['op', 'provider maintenance']);
  assert.match(a.detail, /override drain by op at 2026-11-30T10:00:30.000Z until 2026-11-30T11:00:00.000Z: "provider maintenance"/);

  const lifted = await api.gql<{ liftRoutingOverride: { active: boolean } }>(
    `mutation($id: ID!) { liftRoutingOverride(id: $id, reason: "done") { active } }`,
    { id: set.data.setRoutingOverride.id },
    'op',
  );
  assert.equal(lifted.data!.liftRoutingOverride.active, false);
  now = NOW + 10_000;
  await policy.evaluate();
  const after = (await api.gql<{ routingWeights: Weight[] }>(WEIGHTS, {}, 'svc')).data!.routingWeights;
  assert.equal(after.find((w) => w.deployment === 'a')!.override, null);
  const listed = await api.gql<{ routingOverrides: Array<{ revokedAt: string | null }> }>(
    '{ routingOverrides(from: "2026-11-30T10:00:00Z", to: "2026-11-30T10:05:00Z") { revokedAt } }',
    {},
    'op',
  );
  assert.equal(listed.data!.routingOverrides[0]!.revokedAt, '2026-11-30T10:00:35.000Z', 'lifted at the time of the call');
});
