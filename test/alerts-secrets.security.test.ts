import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { resolveReceivers } from '../policy/alerts/notify/receiver-secrets.ts';
import { alertInstance, buildNotifier, SIGNING_SECRET } from './support/alerts-harness.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';

const SECRET_PATH = 'T9SECRET/B9SECRET/xoxSeCrEtToKeN';
const T = Date.UTC(2026, 10, 30, 8);
let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let server: ReturnType<typeof createServer>;
let base: string;

before(async () => {
  store = await freshEmbeddedStore();
  // A verbose receiver that echoes the URL it was called on in its error answers.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url!.includes('bad') ? 400 : 500).end(`no such hook: ${req.url} (secret ${SIGNING_SECRET})`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await store.dispose();
});

test('no webhook URL or signing secret in any log line, delivery row, dead letter or error', async () => {
  const logs: string[] = [];
  const env = {
    BAD_URL: `${base}/bad/${SECRET_PATH}`,
    DOWN_URL: `http://127.0.0.1:1/${SECRET_PATH}`,
    FLAKY_URL: `${base}/flaky/${SECRET_PATH}`,
    HOOK_SECRET: SIGNING_SECRET,
  };
  const section = {
    receivers: [
      { name: 'bad', type: 'slack', url_env: 'BAD_URL' },
      { name: 'down', type: 'webhook', url_env: 'DOWN_URL', secret_env: 'HOOK_SECRET' },
      { name: 'flaky', type: 'webhook', url_env: 'FLAKY_URL', secret_env: 'HOOK_SECRET' },
    ],
    route: { receivers: ['bad', 'down', 'flaky'], group_wait: '0s' },
  };
  const { notifier, receivers } = buildNotifier(store.client, env, section, (m) => logs.push(m), { maxTries: 2 });
  notifier.observe([alertInstance('z1', 'spend_spike', { team: 'search' }, 'firing', T)], T);
  await notifier.flush(T);
  assert.ok(logs.length >= 3, 'failures were logged');
  const stored = await Promise.all(
    ['alert_deliveries_v1', 'alert_dead_letters_v1', 'alert_notifications_v1'].map(async (table) =>
      JSON.stringify(await (await store.client.query({ query: `SELECT * FROM ${table}`, format: 'JSONEachRow' })).json()),
    ),
  );
  const haystacks = [...logs, ...stored, inspect(receivers, { depth: 5 }), JSON.stringify(receivers)];
  const secretKey = SIGNING_SECRET.slice('whsec_'.length);
  for (const text of haystacks) {
    assert.ok(!text.includes('xoxSeCrEtToKeN'), `URL secret leaked: ${text.slice(0, 300)}`);
    assert.ok(!text.includes(secretKey), `signing secret leaked: ${text.slice(0, 300)}`);
  }
  assert.ok(stored[0]!.includes('[redacted]'), 'the echoed URL was redacted, not dropped silently');
});

test('configuration errors name the variable, never its value', () => {
  const url = `https://hooks.slack.com/services/${SECRET_PATH}`;
  for (const env of [{ SLACK_URL: 'ftp://x/' + SECRET_PATH }, { SLACK_URL: url }]) {
    try {
      resolveReceivers(
        [{ name: 'x', type: 'webhook', url_env: 'SLACK_URL', secret_env: 'SECRET', send_resolved: true }],
        { ...env, SECRET: `bad ${SECRET_PATH}` },
        (s) => s,
      );
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(!(err as Error).message.includes('xoxSeCrEtToKeN'), (err as Error).message);
      assert.match((err as Error).message, /SLACK_URL|SECRET/);
    }
  }
});
