import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { alertInstance, buildNotifier, SIGNING_SECRET, SLACK_SECRET_PATH } from './support/alerts-harness.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';

const S = 1000;
const T = Date.UTC(2026, 10, 30, 10);
let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let receiver: Awaited<ReturnType<typeof startSlackLikeReceiver>>;
const logs: string[] = [];

before(async () => {
  store = await freshEmbeddedStore();
  receiver = await startSlackLikeReceiver();
});
after(async () => {
  await receiver.close();
  await store.dispose();
});

const route = { group_by: ['alertname', 'team'], group_wait: '30s', group_interval: '5m', repeat_interval: '1h' };
function slackNotifier(name: string) {
  const env = { [`${name.toUpperCase()}_URL`]: receiver.url(`${SLACK_SECRET_PATH}-${name}`) };
  return buildNotifier(
    store.client,
    env,
    { receivers: [{ name, type: 'slack', url_env: `${name.toUpperCase()}_URL` }], route: { ...route, receivers: [name] } },
    (m) => logs.push(m),
  );
}
const bodiesFor = (name: string) =>
  receiver
    .delivered()
    .filter((r) => r.path.endsWith(`-${name}`))
    .map((r) => JSON.parse(r.body) as { text: string; blocks: Array<{ type: string }> });

test('grouping: two alerts of one team in group_wait make one message; another team its own', async () => {
  const { notifier } = slackNotifier('grouping');
  notifier.observe([alertInstance('a1', 'spend_spike', { team: 'search' }, 'firing', T)], T);
  notifier.observe(
    [
      alertInstance('a2', 'spend_spike', { team: 'search' }, 'firing', T + 10 * S),
      alertInstance('b1', 'spend_spike', { team: 'payments' }, 'firing', T + 10 * S),
    ],
    T + 10 * S,
  );
  assert.equal((await notifier.flush(T + 29 * S)).length, 0, 'nothing before group_wait');
  const sent = await notifier.flush(T + 40 * S);
  assert.equal(sent.length, 2);
  const bodies = bodiesFor('grouping');
  const search = bodies.find((b) => b.text.includes('team=search'))!;
  assert.equal(search.blocks.filter((b) => b.type === 'section').length, 2);
  assert.match(search.text, /^FIRING 2 · spend_spike · team=search/);
});

test('repeat: unchanged content is not re-sent before repeat_interval, then once, with a new key', async () => {
  const { notifier } = slackNotifier('repeat');
  notifier.observe([alertInstance('r1', 'error_rate_spike', { team: 'search' }, 'firing', T)], T);
  const first = await notifier.flush(T + 30 * S);
  for (let m = 1; m <= 12; m++) {
    notifier.observe([alertInstance('r1', 'error_rate_spike', { team: 'search' }, 'firing', T + m * 5 * 60 * S, T)], T + m * 5 * 60 * S);
    await notifier.flush(T + 30 * S + m * 5 * 60 * S);
  }
  const bodies = bodiesFor('repeat');
  assert.equal(bodies.length, 2, 'the first notice and one repeat after an hour');
  assert.equal(first.length, 1);
  assert.notEqual(JSON.stringify(bodies[0]!.blocks.at(-1)), JSON.stringify(bodies[1]!.blocks.at(-1)), 'a repeat carries its own idempotency key');
});

test('resolve: the group is told when its alert resolves, once', async () => {
  const { notifier } = slackNotifier('resolve');
  notifier.observe([alertInstance('x1', 'p99_latency_regression', { team: 'search' }, 'firing', T)], T);
  await notifier.flush(T + 30 * S);
  notifier.observe([alertInstance('x1', 'p99_latency_regression', { team: 'search' }, 'resolved', T + 60 * S)], T + 60 * S);
  await notifier.flush(T + 100 * S);
  assert.equal(bodiesFor('resolve').length, 1, 'waits for group_interval');
  await notifier.flush(T + 330 * S);
  await notifier.flush(T + 700 * S);
  const bodies = bodiesFor('resolve');
  assert.equal(bodies.length, 2);
  assert.match(bodies[1]!.text, /^RESOLVED · p99_latency_regression/);
  assert.equal(notifier.groupCount, 0, 'the group is gone after its resolved notice');
});

test('silence: a matching silence mutes the group; once expired, the firing alert is notified', async () => {
  const { notifier, mutes } = slackNotifier('silence');
  await mutes.addSilence(
    { id: 'maint-1', matchers: { team: 'search', alertname: 'spend_spike' }, startsAt: T, endsAt: T + 3600 * S, createdBy: 'ops', comment: 'maintenance' },
    T,
  );
  notifier.observe([alertInstance('s1', 'spend_spike', { team: 'search' }, 'firing', T)], T);
  await notifier.flush(T + 30 * S);
  assert.equal(bodiesFor('silence').length, 0);
  await mutes.expireSilence('maint-1', T + 60 * S);
  notifier.observe([alertInstance('s1', 'spend_spike', { team: 'search' }, 'firing', T + 60 * S, T)], T + 60 * S);
  await notifier.flush(T + 90 * S);
  assert.equal(bodiesFor('silence').length, 0, 'the group is looked at again after group_interval');
  await notifier.flush(T + 330 * S);
  assert.equal(bodiesFor('silence').length, 1);
});

test('acknowledgement: an acknowledged alert is not repeated; a new alert in its group still is', async () => {
  const { notifier, mutes } = slackNotifier('ack');
  notifier.observe([alertInstance('k1', 'rate_limit_spike', { team: 'search' }, 'firing', T)], T);
  await notifier.flush(T + 30 * S);
  await mutes.acknowledge({ fingerprint: 'k1', episodeStart: T, ackedBy: 'oncall', ackedAt: T + 60 * S, comment: 'on it' });
  notifier.observe([alertInstance('k1', 'rate_limit_spike', { team: 'search' }, 'firing', T + 2 * 3600 * S, T)], T + 2 * 3600 * S);
  await notifier.flush(T + 2 * 3600 * S);
  assert.equal(bodiesFor('ack').length, 1, 'no repeat while acknowledged');
  notifier.observe([alertInstance('k2', 'rate_limit_spike', { team: 'search' }, 'firing', T + 2 * 3600 * S)], T + 2 * 3600 * S);
  await notifier.flush(T + 2 * 3600 * S + 300 * S);
  assert.equal(bodiesFor('ack').length, 2);
});

test('rate limit: groups bound for one URL go out at most one a second', async () => {
  const { notifier } = slackNotifier('ratelimit');
  notifier.observe(
    ['t1', 't2', 't3'].map((team) => alertInstance(`rl-${team}`, 'spend_spike', { team }, 'firing', T)),
    T,
  );
  await notifier.flush(T + 30 * S);
  const times = receiver
    .delivered()
    .filter((r) => r.path.endsWith('-ratelimit'))
    .map((r) => r.at);
  assert.equal(times.length, 3);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 950, `gap ${times[i]! - times[i - 1]!} ms`);
});

test('webhooks: signed after Standard Webhooks; the receiver verifies and can dedupe by webhook-id', async () => {
  const env = { HOOK_URL: receiver.url('hook-endpoint'), HOOK_SECRET: SIGNING_SECRET };
  const { notifier } = buildNotifier(
    store.client,
    env,
    { receivers: [{ name: 'hook', type: 'webhook', url_env: 'HOOK_URL', secret_env: 'HOOK_SECRET' }], route: { ...route, receivers: ['hook'] } },
    (m) => logs.push(m),
  );
  notifier.observe([alertInstance('w1', 'denial_of_wallet', { team: 'search', api_key_id: 'k-1' }, 'firing', T)], T);
  const [n] = await notifier.flush(T + 30 * S);
  const req = receiver.delivered().find((r) => r.path.endsWith('hook-endpoint'))!;
  const verified = new Webhook(SIGNING_SECRET).verify(req.body, req.headers as Record<string, string>) as {
    id: string;
    alerts: Array<{ evidence: { threshold: number } }>;
  };
  assert.equal(verified.id, n!.idempotencyKey);
  assert.equal(req.headers['webhook-id'], n!.idempotencyKey);
  assert.equal(verified.alerts[0]!.evidence.threshold, 10);
});
