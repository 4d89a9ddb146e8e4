import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import type { Notification, NoticeAlert } from './notice.ts';
import { Secret } from './receiver-secrets.ts';
import { buildSlackMessage, SLACK_LIMITS } from './slack-message.ts';
import { signedHeaders, webhookBody } from './webhook-payload.ts';

const alert = (i: number): NoticeAlert => ({
  fingerprint: `fp${i}`,
  labels: { alertname: 'denial_of_wallet', severity: 'critical', team: 'search', api_key_id: `key-${i}-${'x'.repeat(200)}` },
  status: 'firing',
  startsAt: Date.UTC(2026, 10, 30, 10),
  endsAt: null,
  evidence: { value: 12.5, volume: 40, threshold: 3, baseline: 1, spread: 0.2, peerFence: 1.4, ratio: 4.2, sufficient: true, series: [1, 1, 1] },
});
const notification = (n: number): Notification => ({
  idempotencyKey: 'ntf_abc',
  receiver: 'ops',
  groupKey: 'g',
  groupLabels: { team: 'search' },
  firing: Array.from({ length: n }, (_, i) => alert(i)),
  resolved: [],
  reason: 'new',
  createdAt: Date.UTC(2026, 10, 30, 11),
});

test('Slack: header, one section per alert, a dashboard link filtered to the group, a text fallback', () => {
  const m = buildSlackMessage(notification(2), 'https://grafana.example/d/switchyard');
  assert.equal(m.blocks[0]!.type, 'header');
  assert.equal(m.blocks.filter((b) => b.type === 'section').length, 2);
  const button = (m.blocks.find((b) => b.type === 'actions') as { elements: Array<{ url: string }> }).elements[0]!;
  assert.match(button.url, /^https:\/\/grafana\.example\/d\/switchyard\?var-team=search&from=\d+&to=\d+$/);
  assert.match(m.text, /FIRING 2 · denial_of_wallet · team=search/);
  assert.match(m.text, /value 12\.50 · threshold 3\.00 · baseline 1\.00/);
});

test('Slack: a storm of alerts stays within Block Kit limits', () => {
  const m = buildSlackMessage(notification(500), 'https://grafana.example/d/switchyard');
  assert.ok(m.blocks.length <= SLACK_LIMITS.blocks);
  assert.ok(m.text.length <= SLACK_LIMITS.textChars);
  for (const b of m.blocks) {
    const text = (b as { text?: { text: string } }).text?.text ?? '';
    assert.ok(text.length <= (b.type === 'header' ? SLACK_LIMITS.headerChars : SLACK_LIMITS.sectionChars));
  }
  assert.ok(JSON.stringify(m.blocks).includes('…and 480 more alerts'));
});

test('webhooks: Standard Webhooks signature that the reference verifier accepts; the id is the idempotency key', () => {
  const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const now = Date.UTC(2026, 10, 30, 11);
  const body = webhookBody(notification(1), 'https://grafana.example/d/switchyard');
  const headers = signedHeaders('ntf_abc', body, new Secret(secret), now);
  assert.equal(headers['webhook-id'], 'ntf_abc');
  assert.equal(headers['webhook-timestamp'], String(now / 1000));
  assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
  // The verifier checks the timestamp against its own clock; verify at the signing time.
  const realNow = Date.now;
  Date.now = () => now;
  try {
    assert.deepEqual((new Webhook(secret).verify(body, headers) as { id: string }).id, 'ntf_abc');
    assert.throws(() => new Webhook(secret).verify(body.replace('12.5', '99'), headers));
  } finally {
    Date.now = realNow;
  }
});

test('Secret never prints its value', async () => {
  const { inspect } = await import('node:util');
  const s = new Secret('https://hooks.slack.com/services/T/B/SECRETPATH');
  for (const shown of [String(s), `${s}`, JSON.stringify({ s }), inspect(s), inspect({ deep: { s } })]) assert.ok(!shown.includes('SECRETPATH'), shown);
});
