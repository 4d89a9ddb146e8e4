import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => (api = await startTestApi([testToken('fin', 'finance', ['*']), testToken('root', 'admin')])));
after(() => api.close());

const LEGACY = 'query($from: String!, $to: String!) { costReport(from: $from, to: $to, groupBy: [TEAM]) { total { costUsd } } }';

async function expectBadInput(query: string, variables: Record<string, unknown>, argument: string, token = 'fin') {
  const answer = await api.gql(query, variables, token);
  const error = answer.errors?.[0];
  assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(answer));
  assert.equal(error?.extensions?.argument, argument, JSON.stringify(answer));
  assert.ok(error?.message.startsWith(`${argument}: `), error?.message);
}

test('the cases found in the wild: "0", "2026-02-30", "Nov 1 2026" and from after to are BAD_USER_INPUT naming the argument', async () => {
  await expectBadInput(LEGACY, { from: '0', to: '1' }, 'from');
  await expectBadInput(LEGACY, { from: '2026-02-30', to: '2026-03-02' }, 'from');
  await expectBadInput(LEGACY, { from: 'Nov 1 2026', to: '2026-11-02T00:00:00Z' }, 'from');
  await expectBadInput(LEGACY, { from: '2026-11-01T00:00:00Z', to: 'Nov 2 2026' }, 'to');
  await expectBadInput(LEGACY, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'to');
  await expectBadInput(LEGACY, { from: '2020-01-01', to: '2026-01-01' }, 'to');
});

test('DateTime arguments, enum values, cursors and page sizes name their argument too', async () => {
  const audit = 'query($f: DateTime!, $t: DateTime!, $n: Int!, $a: String) { auditLog(from: $f, to: $t, first: $n, after: $a) { nextCursor } }';
  await expectBadInput(audit, { f: '2026-02-30', t: '2026-03-02', n: 10 }, 'from', 'root');
  await expectBadInput(audit, { f: '2026-11-01', t: '2026-11-02', n: 0 }, 'first', 'root');
  await expectBadInput(audit, { f: '2026-11-01', t: '2026-11-02', n: 10, a: 'garbage' }, 'after', 'root');
  await expectBadInput(audit, { f: 5, t: '2026-11-02', n: 10 }, 'from', 'root');
  await expectBadInput('{ costReport(from: "2026-11-01", to: "2026-11-02", groupBy: [NOPE]) { total { costUsd } } }', {}, 'groupBy');
  await expectBadInput(
    'query($g: [CostDimension!]!) { costReport(from: "2026-11-01", to: "2026-11-02", groupBy: $g) { total { costUsd } } }',
    { g: ['NOPE'] },
    'groupBy',
  );
  await expectBadInput('{ costReport(from: "2026-11-01") { total { costUsd } } }', {}, 'to');
});

test('a cursor on a report that has no pages (no groupBy, no bucket) is refused naming after, not ignored', async () => {
  await expectBadInput('{ costs(from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", after: "garbage") { total { costUsd } } }', {}, 'after');
});

test('a latency or goodput report without a range names window as the missing argument, and its values', async () => {
  for (const field of ['latencyReport', 'goodputReport']) {
    const answer = await api.gql(`{ ${field}(groupBy: [deployment]) { rows { attempts: __typename } } }`, {}, 'fin');
    const error = answer.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(answer));
    assert.equal(error?.extensions?.argument, 'window');
    assert.equal(error?.message, 'window: is required, or from and to instead: one of LAST_5M, LAST_1H, LAST_24H, or an ISO-8601 UTC range');
  }
});

test('a body that is not JSON is a 400 naming the parser reason, never quoting the body (it may hold a token)', async () => {
  for (const [body, reason] of [
    ['not json tok-root-pasted', "unexpected 'o'"],
    ['{"query": "{ __typename }", "token": "tok-root-pasted" ', "Expected ',' or '}' after property value at character 55"],
  ] as const) {
    const r = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tok-fin' }, body });
    const text = await r.text();
    assert.equal(r.status, 400, text);
    assert.doesNotMatch(text, /tok-root-pasted|not json/, 'the body is not echoed');
    const answer = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code?: string; originalError?: unknown } }> };
    assert.equal(answer.errors[0]!.message, `POST body sent invalid JSON: ${reason}.`);
    assert.equal(answer.errors[0]!.extensions.code, 'BAD_REQUEST');
    assert.equal(answer.errors[0]!.extensions.originalError, undefined);
  }
});

test('an unknown path on the API port is a 404 naming what the port serves (found by a fresh-user trial: an empty body)', async () => {
  const r = await fetch(new URL('/nope', api.url));
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('content-type'), 'application/json');
  const body = (await r.json()) as { error: string };
  assert.match(body.error, /\/graphql.*\/exports\/focus.*\/console\//);
  // The API itself still answers where it lives.
  assert.equal((await api.gql('{ __typename }', {}, 'fin')).data?.__typename, 'Query');
});
