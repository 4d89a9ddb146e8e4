import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { scalar } from './support/embedded-store.ts';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { readStore } from '../api/read-store.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => {
  api = await startTestApi([
    testToken('viewer-a', 'viewer', ['a']),
    testToken('root', 'admin'),
    testToken('collector', 'service'),
    testToken('doomed', 'operator', ['*']),
  ]);
});
after(async () => {
  if (process.env.API_DEBUG) console.log(api.logs);
  await api.close();
});

const AUDIT = 'query($f: DateTime!, $t: DateTime!) { auditLog(from: $f, to: $t) { entries { principalId role operation arguments outcome errorCode } } }';
const window = () => ({ f: new Date(Date.now() - 60_000).toISOString(), t: new Date(Date.now() + 60_000).toISOString() });

test('without a valid token every request is 401 UNAUTHENTICATED, before any resolver runs', async () => {
  for (const token of [undefined, 'unknown']) {
    const answer = await api.gql('{ me { id } }', {}, token);
    assert.equal(answer.status, 401);
    assert.equal(answer.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  }
});

test('roles: the service token reads weights only; a viewer cannot read the audit log', async () => {
  assert.equal((await api.gql('{ routingWeights(route: "chat") { deployment } }', {}, 'collector')).status, 200);
  const cost = await api.gql('{ costReport(from: "2026-11-01", to: "2026-11-02") { total { costUsd } } }', {}, 'collector');
  assert.equal(cost.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const audit = await api.gql(AUDIT, window(), 'viewer-a');
  assert.equal(audit.status, 403);
  assert.equal(audit.errors?.[0]?.extensions?.code, 'FORBIDDEN');
});

test('every mutation is audited — allowed, denied and failed — and a revoked token stops working at once', async () => {
  assert.equal((await api.gql('{ me { id } }', {}, 'doomed')).status, 200);
  const denied = await api.gql('mutation { revokeApiToken(id: "root", reason: "coup") { revoked } }', {}, 'viewer-a');
  assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  const bad = await api.gql('mutation { revokeApiToken(id: "Not An Id", reason: "x") { revoked } }', {}, 'root');
  assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  assert.equal(bad.errors?.[0]?.extensions?.argument, 'id');
  const ok = await api.gql<{ revokeApiToken: { revoked: boolean } }>(
    'mutation($r: String!) { revokeApiToken(id: "doomed", reason: $r) { revoked } }',
    { r: 'left the company' },
    'root',
  );
  assert.equal(ok.data?.revokeApiToken.revoked, true);
  assert.equal((await api.gql('{ me { id } }', {}, 'doomed')).status, 401);
  const log = await api.gql<{ auditLog: { entries: Array<Record<string, string>> } }>(AUDIT, window(), 'root');
  assert.deepEqual(
    log.data?.auditLog.entries.map((e) => [e.principalId, e.role, e.operation, e.outcome, e.errorCode]),
    [
      ['viewer-a', 'viewer', 'Mutation.revokeApiToken', 'denied', 'FORBIDDEN'],
      ['root', 'admin', 'Mutation.revokeApiToken', 'error', 'BAD_USER_INPUT'],
      ['root', 'admin', 'Mutation.revokeApiToken', 'ok', ''],
    ],
  );
  assert.deepEqual(JSON.parse(log.data!.auditLog.entries[2]!.arguments!), { id: 'doomed', reason: 'left the company' });
});

test('API reads run read-only and time-boxed, without leaving the shared session read-only', async () => {
  const store = readStore(api.store.client, { maxExecutionSeconds: 1 });
  await assert.rejects(store.rows("INSERT INTO api_token_revocations (token_id) SELECT 'x'", {}), /readonly/);
  await assert.rejects(store.rows('SELECT sleepEachRow(0.5) FROM numbers(4) SETTINGS max_block_size = 1', {}), /Timeout exceeded|SETTINGS/);
  assert.equal(await scalar(api.store.client, "SELECT count() FROM api_token_revocations WHERE token_id = 'x'"), '0');
  await api.store.client.insert({ table: 'api_token_revocations', values: [{ token_id: 'y', revoked_by: 't', reason: 'r' }], format: 'JSONEachRow' });
  assert.equal(await scalar(api.store.client, "SELECT count() FROM api_token_revocations WHERE token_id = 'y'"), '1');
});

test('query documents beyond the alias and token limits are refused before execution', async () => {
  const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ');
  const answer = await api.gql(`{ ${aliases} }`, {}, 'root');
  assert.match(answer.errors?.[0]?.message ?? '', /Aliases limit/);
  const tokens = await api.gql(`{ ${Array.from({ length: 700 }, () => 'me { id }').join(' ')} }`, {}, 'root');
  assert.match(tokens.errors?.[0]?.message ?? '', /Token limit/i);
});
