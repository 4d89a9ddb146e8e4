import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { alertInstance, buildNotifier, SLACK_SECRET_PATH } from './support/alerts-harness.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';

const S = 1000;
const T = Date.UTC(2026, 10, 30, 12);
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

const route = { group_by: ['alertname', 'team'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' };
function notifierFor(name: string, retry?: { maxTries?: number; timeoutMs?: number }) {
  const env = { URL_VAR: receiver.url(`${SLACK_SECRET_PATH}-${name}`) };
  return buildNotifier(
    store.client,
    env,
    { receivers: [{ name, type: 'slack', url_env: 'URL_VAR' }], route: { ...route, receivers: [name] } },
    (m) => logs.push(m),
    retry,
  );
}
const hits = (name: string) => receiver.requests.filter((r) => r.path.endsWith(`-${name}`));
async function fire(n: ReturnType<typeof notifierFor>, fp: string) {
  n.notifier.observe([alertInstance(fp, 'spend_spike', { team: 'search' }, 'firing', T)], T);
  return n.notifier.flush(T + 30 * S);
}

test('429 with Retry-After: waits that long, then delivers; every try is in the delivery log', async () => {
  receiver.answerNext({ kind: 'status', status: 429, body: 'rate_limited', retryAfterS: 1 });
  const n = notifierFor('r429');
  const sent = await fire(n, 'e1');
  assert.equal(sent.length, 1);
  const [a, b] = hits('r429');
  assert.equal(a!.answered, 429);
  assert.equal(b!.answered, 200);
  assert.ok(b!.at - a!.at >= 950, `retried after ${b!.at - a!.at} ms`);
  const log = await n.store.deliveries({ receiver: 'r429', sinceMs: 0, limit: 10 });
  assert.deepEqual(log.map((t) => [t.tryNo, t.outcome, t.httpStatus]).sort(), [
    [1, 'rate_limited', 429],
    [2, 'delivered', 200],
  ]);
  assert.ok(log.every((t) => t.latencyMs >= 0 && t.endpointId.length === 12));
});

test('500 is retried with backoff until delivered', async () => {
  receiver.answerNext({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
  const sent = await fire(notifierFor('r500'), 'e2');
  assert.equal(sent.length, 1);
  assert.deepEqual(
    hits('r500').map((r) => r.answered),
    [500, 503, 200],
  );
});

test('400 is not retried: a dead letter with the reason, visible and resendable', async () => {
  receiver.answerNext({ kind: 'status', status: 400, body: 'invalid_blocks' });
  const n = notifierFor('r400');
  assert.equal((await fire(n, 'e3')).length, 0);
  assert.equal(hits('r400').length, 1);
  assert.deepEqual(n.outcomes, ['dead_letter']);
  const [dead] = await n.store.deadLetters(10);
  assert.equal(dead!.receiver, 'r400');
  assert.match(dead!.reason, /^rejected: rejected 400 invalid_blocks/);
  assert.ok(logs.some((l) => l.includes('dead letter')));
  assert.equal(await n.notifier.resend(dead!.idempotencyKey, T + 60 * S), 'delivered');
  assert.equal(hits('r400').at(-1)!.answered, 200);
  const [after] = await n.store.deadLetters(10);
  assert.equal(after!.resendOutcome, 'delivered');
});

test('Slack answering 200 without `ok` is not a success', async () => {
  receiver.answerNext({ kind: 'status', status: 200, body: 'no_text' });
  const n = notifierFor('r200');
  assert.equal((await fire(n, 'e4')).length, 0);
  assert.deepEqual(n.outcomes, ['dead_letter']);
});

test('slow receiver: a try that times out is retried; bounded tries end in a dead letter', async () => {
  receiver.answerNext({ kind: 'slow', delayMs: 1500 });
  const n = notifierFor('rslow', { timeoutMs: 500 });
  assert.equal((await fire(n, 'e5')).length, 1);
  const log = await n.store.deliveries({ receiver: 'rslow', sinceMs: 0, limit: 10 });
  assert.ok(log.some((t) => t.outcome === 'retryable' && t.detail.includes('timed out')));
  receiver.answerNext(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502 })));
  const bounded = notifierFor('rbounded', { maxTries: 3 });
  assert.equal((await fire(bounded, 'e6')).length, 0);
  assert.equal(hits('rbounded').length, 3);
  assert.match((await bounded.store.deadLetters(10)).find((d) => d.receiver === 'rbounded')!.reason, /^tries: retryable 502/);
});
