import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { scalar } from './support/embedded-store.ts';

const NOW = Date.parse('2026-11-30T10:00:00.000Z');
let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => (api = await startTestApi([testToken('svc', 'service'), testToken('op', 'operator', ['*'])], { clock: { now: () => NOW } })));
after(() => api.close());

const REPORT = `mutation($c: String!, $t: [CircuitTransitionInput!]!) { reportCircuitTransitions(collector: $c, transitions: $t) }`;
const t = (over: Record<string, unknown> = {}) => ({ route: 'chat', deployment: 'a', state: 'open', at: new Date(NOW - 1000).toISOString(), ...over });

test('only the service role may report circuit transitions; stored with the collector id', async () => {
  const refused = await api.gql(REPORT, { c: 'host-1:42', t: [t()] }, 'op');
  assert.equal(refused.data, null);
  assert.match(JSON.stringify(refused.errors), /FORBIDDEN|not allowed|role/i);
  const ok = await api.gql<{ reportCircuitTransitions: number }>(REPORT, { c: 'host-1:42', t: [t(), t({ state: 'closed' })] }, 'svc');
  assert.equal(ok.data?.reportCircuitTransitions, 2, JSON.stringify(ok.errors));
  assert.equal(await scalar(api.store.client, "SELECT count() FROM circuit_transitions_v1 WHERE collector = 'host-1:42'"), '2');
});

test('bad input is refused with the argument named, and nothing is stored', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ c: 'bad id with spaces', t: [t()] }, /collector/],
    [{ c: 'h:1', t: [t({ at: new Date(NOW - 2 * 86_400_000).toISOString() })] }, /transitions\.0\.at/],
    [{ c: 'h:1', t: [t({ at: new Date(NOW + 3_600_000).toISOString() })] }, /transitions\.0\.at/],
    [{ c: 'h:1', t: [t({ deployment: '' })] }, /transitions\.0\.deployment/],
    [{ c: 'h:1', t: [t({ state: 'broken' })] }, /state|CircuitState/],
  ];
  for (const [vars, message] of cases) {
    const answer = await api.gql(REPORT, vars, 'svc');
    assert.ok(answer.errors?.length, JSON.stringify(vars));
    assert.match(JSON.stringify(answer.errors), message);
  }
  assert.equal(await scalar(api.store.client, "SELECT count() FROM circuit_transitions_v1 WHERE collector = 'h:1'"), '0');
});
