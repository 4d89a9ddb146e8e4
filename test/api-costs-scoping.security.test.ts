import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { scalar } from './support/embedded-store.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { storeEvents } from '../api/testing/seed.ts';

// pricedTraffic splits its requests between teams "search" and "ads".
let api: Awaited<ReturnType<typeof startTestApi>>;
let searchCost: string;
before(async () => {
  api = await startTestApi([testToken('search-viewer', 'viewer', ['search']), testToken('collector', 'service')]);
  await storeEvents(api.store.client, pricedTraffic('2026-11-02', 10));
  searchCost = Number(await scalar(api.store.client, "SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE team = 'search'")).toFixed(12);
});
after(() => api.close());

const RANGE = { from: '2026-11-01', to: '2026-11-30' };
const COSTS =
  'query($from: DateTime!, $to: DateTime!, $g: [GroupKey!]! = [], $f: CostFilter) { costs(from: $from, to: $to, groupBy: $g, filter: $f) { rows { group { value } measures { costUsd } } total { costUsd } } }';
type Costs = { costs: { rows: Array<{ group: Array<{ value: string }>; measures: { costUsd: string } }>; total: { costUsd: string } } };

test('a viewer of team search sees only search, whatever it groups by', async () => {
  for (const g of [[], [{ dimension: 'TEAM' }], [{ dimension: 'KEY' }], [{ tag: 'cost_center' }], [{ dimension: 'OUTCOME' }, { dimension: 'USER' }]]) {
    const answer = await api.gql<Costs>(COSTS, { ...RANGE, g }, 'search-viewer');
    assert.equal(answer.data?.costs.total.costUsd, searchCost, JSON.stringify(g));
    const sum = answer.data!.costs.rows.reduce((s, r) => s + BigInt(r.measures.costUsd.replace('.', '')), 0n);
    assert.equal(sum, BigInt(searchCost.replace('.', '')), JSON.stringify(g));
  }
  const teams = await api.gql<Costs>(COSTS, { ...RANGE, g: [{ dimension: 'TEAM' }] }, 'search-viewer');
  assert.deepEqual(
    teams.data?.costs.rows.map((r) => r.group[0]!.value),
    ['search'],
  );
});

test('asking for team ads by filter is refused naming the argument; tag and key filters stay inside search', async () => {
  for (const f of [{ team: ['ads'] }, { team: ['search', 'ads'] }]) {
    const answer = await api.gql(COSTS, { ...RANGE, f }, 'search-viewer');
    assert.equal(answer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    assert.match(answer.errors![0]!.message, /filter\.team.*"ads"/);
  }
  // key_1 and cost_center cc1 are used by both teams: filtering on them must not reach ads' rows.
  for (const f of [{ key: ['key_1'] }, { tags: [{ key: 'cost_center', values: ['cc1'] }] }, { team: ['search'], key: ['key_0', 'key_1'] }]) {
    const answer = await api.gql<Costs>(COSTS, { ...RANGE, f }, 'search-viewer');
    const within = await scalar(
      api.store.client,
      `SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE team = 'search' AND ${f.tags ? "tags_extra['cost_center'] = 'cc1'" : `api_key_id IN ${f.team ? "('key_0','key_1')" : "('key_1')"}`}`,
    );
    assert.equal(answer.data?.costs.total.costUsd, Number(within).toFixed(12), JSON.stringify(f));
  }
});

test('the deprecated costReport and the drill-down are scoped the same way', async () => {
  const legacy = await api.gql<{ costReport: { rows: Array<{ group: Array<{ value: string }> }>; total: { costUsd: string } } }>(
    'query { costReport(from: "2026-11-01T00:00:00Z", to: "2026-11-30T00:00:00Z", groupBy: [TEAM]) { rows { group { value } } total { costUsd } } }',
    {},
    'search-viewer',
  );
  assert.deepEqual(
    legacy.data?.costReport.rows.map((r) => r.group[0]!.value),
    ['search'],
  );
  assert.equal(legacy.data?.costReport.total.costUsd, searchCost);
  const Q = 'query($f: CostFilter) { attempts(from: "2026-11-02", to: "2026-11-03", first: 1000, filter: $f) { attempts { team } } }';
  const drill = await api.gql<{ attempts: { attempts: Array<{ team: string }> } }>(Q, {}, 'search-viewer');
  assert.ok(drill.data!.attempts.attempts.length > 0);
  assert.deepEqual([...new Set(drill.data!.attempts.attempts.map((a) => a.team))], ['search']);
  assert.equal((await api.gql(Q, { f: { team: ['ads'] } }, 'search-viewer')).errors?.[0]?.extensions?.code, 'FORBIDDEN');
});

test('a service token reads no cost data at all', async () => {
  for (const q of [
    '{ costs(from: "2026-11-01", to: "2026-11-30") { total { costUsd } } }',
    '{ attempts(from: "2026-11-02", to: "2026-11-03") { nextCursor } }',
    '{ costReport(from: "2026-11-01", to: "2026-11-30") { total { costUsd } } }',
  ]) {
    assert.equal((await api.gql(q, {}, 'collector')).errors?.[0]?.extensions?.code, 'FORBIDDEN', q);
  }
});
