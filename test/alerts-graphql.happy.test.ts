import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { ClickHouseAlertEventStore } from '../policy/alerts/store/clickhouse-alert-event-store.ts';
import { ClickHouseNotificationStore } from '../policy/alerts/store/clickhouse-notification-store.ts';
import { alertInstance } from './support/alerts-harness.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
const NOW = Date.now();

before(async () => {
  api = await startTestApi([testToken('ops', 'operator', ['*']), testToken('search-viewer', 'viewer', ['search'])]);
  const events = new ClickHouseAlertEventStore(api.store.client);
  await events.record([
    alertInstance('f-search', 'spend_spike', { team: 'search' }, 'firing', NOW - 120_000),
    alertInstance('f-search', 'spend_spike', { team: 'search' }, 'firing', NOW - 60_000, NOW - 120_000),
    alertInstance('f-pay', 'spend_spike', { team: 'payments' }, 'firing', NOW - 60_000),
    alertInstance('f-route', 'rate_limit_spike', { route: 'chat', provider: 'anthropic' }, 'resolved', NOW - 60_000),
  ]);
  const notifications = new ClickHouseNotificationStore(api.store.client);
  await notifications.recordTry({
    triedAt: NOW - 30_000,
    idempotencyKey: 'ntf_1',
    receiver: 'oncall',
    receiverType: 'slack',
    endpointId: 'abcdef123456',
    groupKey: 'g',
    tryNo: 1,
    outcome: 'rejected',
    httpStatus: 400,
    latencyMs: 12,
    detail: 'invalid_blocks',
  });
  await notifications.recordDeadLetter({
    idempotencyKey: 'ntf_1',
    deadAt: NOW - 30_000,
    receiver: 'oncall',
    groupKey: 'g',
    reason: 'rejected: rejected 400 invalid_blocks',
    tries: 1,
    resentAt: null,
    resendOutcome: '',
    notification: {
      idempotencyKey: 'ntf_1',
      receiver: 'oncall',
      groupKey: 'g',
      groupLabels: {},
      firing: [],
      resolved: [],
      reason: 'new',
      createdAt: NOW - 30_000,
    },
  });
});
after(async () => api.close());

const ALERTS = `query($states: [AlertState!], $from: DateTime, $to: DateTime) { alerts(states: $states, from: $from, to: $to) {
  fingerprint rule state labels { name value } since activeSince evidence { value threshold baseline ratio volume series } } }`;
type AlertsAnswer = { alerts: Array<{ fingerprint: string; state: string; activeSince: string | null; evidence: { threshold: number; series: number[] } }> };

test('alerts: firing now with evidence; history over a range; viewers see their teams and operational alerts', async () => {
  const now = await api.gql<AlertsAnswer>(ALERTS, {}, 'ops');
  assert.deepEqual(now.data!.alerts.map((a) => a.fingerprint).sort(), ['f-pay', 'f-search']);
  const search = now.data!.alerts.find((a) => a.fingerprint === 'f-search')!;
  assert.equal(search.evidence.threshold, 10);
  assert.deepEqual(search.evidence.series, [5, 5, 5]);
  assert.equal(Date.parse(search.activeSince!), NOW - 120_000);
  const history = await api.gql<AlertsAnswer>(
    ALERTS,
    { states: ['FIRING', 'RESOLVED'], from: new Date(NOW - 3_600_000).toISOString(), to: new Date(NOW).toISOString() },
    'ops',
  );
  assert.equal(history.data!.alerts.length, 4);
  const viewer = await api.gql<AlertsAnswer>(ALERTS, { states: ['FIRING', 'RESOLVED'] }, 'search-viewer');
  assert.deepEqual(viewer.data!.alerts.map((a) => a.fingerprint).sort(), ['f-route', 'f-search']);
});

test('alertRules: built-ins listed; create, change, delete are operator-only, validated and audited', async () => {
  const definition = JSON.stringify({ name: 'big-spend', metric: 'spend_usd', window: '5m', condition: { type: 'static', threshold: 25 } });
  const created = await api.gql<{ createAlertRule: { name: string; source: string; definition: string } }>(
    `mutation($d: String!) { createAlertRule(definition: $d) { name source definition } }`,
    { d: definition },
    'ops',
  );
  assert.equal(created.data!.createAlertRule.source, 'api');
  assert.equal(JSON.parse(created.data!.createAlertRule.definition).window, 300_000);
  const bad = await api.gql(
    `mutation($d: String!) { createAlertRule(definition: $d) { name } }`,
    { d: JSON.stringify({ name: 'x', metric: 'spend_usd', window: '5 min', condition: { type: 'static', threshold: 1 } }) },
    'ops',
  );
  assert.equal(bad.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
  assert.match(bad.errors![0]!.message, /window/);
  const denied = await api.gql(`mutation($d: String!) { createAlertRule(definition: $d) { name } }`, { d: definition }, 'search-viewer');
  assert.equal(denied.errors![0]!.extensions!.code, 'FORBIDDEN');
  const changed = await api.gql<{ updateAlertRule: { definition: string } }>(
    `mutation($d: String!) { updateAlertRule(name: "big-spend", definition: $d) { definition } }`,
    { d: definition.replace('25', '30') },
    'ops',
  );
  assert.equal(JSON.parse(changed.data!.updateAlertRule.definition).condition.threshold, 30);
  const listed = await api.gql<{ alertRules: Array<{ name: string; source: string }> }>(`{ alertRules { name source } }`, {}, 'ops');
  assert.ok(listed.data!.alertRules.some((r) => r.name === 'spend_spike' && r.source === 'builtin'));
  assert.ok(listed.data!.alertRules.some((r) => r.name === 'big-spend' && r.source === 'api'));
  assert.equal((await api.gql<{ deleteAlertRule: boolean }>(`mutation { deleteAlertRule(name: "big-spend") }`, {}, 'ops')).data!.deleteAlertRule, true);
  const after = await api.gql<{ alertRules: Array<{ name: string }> }>(`{ alertRules { name } }`, {}, 'ops');
  assert.ok(!after.data!.alertRules.some((r) => r.name === 'big-spend'));
  const audit = await api.store.client.query({
    query: `SELECT operation, outcome FROM api_audit_log WHERE operation LIKE 'Mutation.%AlertRule' ORDER BY at`,
    format: 'JSONEachRow',
  });
  assert.deepEqual(
    (await audit.json<{ operation: string; outcome: string }>()).map((r) => `${r.operation}:${r.outcome}`),
    [
      'Mutation.createAlertRule:ok',
      'Mutation.createAlertRule:error',
      'Mutation.createAlertRule:denied',
      'Mutation.updateAlertRule:ok',
      'Mutation.deleteAlertRule:ok',
    ],
  );
});

test('deliveries and dead letters are visible; a resend is requested for the policy process', async () => {
  const d = await api.gql<{ alertDeliveries: Array<{ outcome: string; httpStatus: number; endpointId: string }> }>(
    `query($f: DateTime!) { alertDeliveries(from: $f) { outcome httpStatus endpointId } }`,
    { f: new Date(NOW - 3_600_000).toISOString() },
    'ops',
  );
  assert.deepEqual(d.data!.alertDeliveries, [{ outcome: 'rejected', httpStatus: 400, endpointId: 'abcdef123456' }]);
  const r = await api.gql<{ resendAlertDeadLetter: { resendOutcome: string } }>(
    `mutation { resendAlertDeadLetter(idempotencyKey: "ntf_1") { resendOutcome } }`,
    {},
    'ops',
  );
  assert.equal(r.data!.resendAlertDeadLetter.resendOutcome, 'requested');
  const dl = await api.gql<{ alertDeadLetters: Array<{ idempotencyKey: string; resendOutcome: string }> }>(
    `{ alertDeadLetters { idempotencyKey resendOutcome } }`,
    {},
    'ops',
  );
  assert.deepEqual(dl.data!.alertDeadLetters, [{ idempotencyKey: 'ntf_1', resendOutcome: 'requested' }]);
});

test('silences and acknowledgements through GraphQL', async () => {
  const s = await api.gql<{ createAlertSilence: { id: string; matchers: Array<{ name: string }> } }>(
    `mutation($e: DateTime!) { createAlertSilence(matchers: [{ name: "team", value: "search" }], endsAt: $e, comment: "maintenance") { id matchers { name value } } }`,
    { e: new Date(NOW + 3_600_000).toISOString() },
    'ops',
  );
  const id = s.data!.createAlertSilence.id;
  assert.equal((await api.gql<{ alertSilences: unknown[] }>(`{ alertSilences { id } }`, {}, 'ops')).data!.alertSilences.length, 1);
  const tooLong = await api.gql(
    `mutation($e: DateTime!) { createAlertSilence(matchers: [{ name: "team", value: "x" }], endsAt: $e, comment: "x") { id } }`,
    { e: new Date(NOW + 30 * 86_400_000).toISOString() },
    'ops',
  );
  assert.match(tooLong.errors![0]!.message, /14 days/);
  await api.gql(`mutation($id: ID!) { expireAlertSilence(id: $id) { endsAt } }`, { id }, 'ops');
  assert.equal((await api.gql<{ alertSilences: unknown[] }>(`{ alertSilences { id } }`, {}, 'ops')).data!.alertSilences.length, 0);
  const ack = await api.gql<{ acknowledgeAlert: boolean }>(`mutation { acknowledgeAlert(fingerprint: "f-search", comment: "looking") }`, {}, 'ops');
  assert.equal(ack.data!.acknowledgeAlert, true);
  const unknown = await api.gql(`mutation { acknowledgeAlert(fingerprint: "nope", comment: "x") }`, {}, 'ops');
  assert.equal(unknown.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
});
