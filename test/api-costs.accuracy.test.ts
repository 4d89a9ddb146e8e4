import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { scalar } from './support/embedded-store.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { storeEvents } from '../api/testing/seed.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
before(async () => {
  api = await startTestApi([testToken('fin', 'finance', ['*'])]);
  await storeEvents(api.store.client, [...pricedTraffic('2026-11-02', 10), ...pricedTraffic('2026-11-03', 14), ...pricedTraffic('2026-11-10', 23)]);
});
after(() => api.close());

const MEASURES =
  'costUsd listCostUsd inputCostUsd cachedInputCostUsd cacheWriteCostUsd outputCostUsd reasoningCostUsd unallocatedCostUsd requests requestsServed attempts inputTokens cachedInputTokens cacheWriteTokens outputTokens reasoningTokens';
const COSTS = `query($from: DateTime!, $to: DateTime!, $groupBy: [GroupKey!]!, $bucket: TimeBucket, $filter: CostFilter, $orderBy: CostOrder!, $first: Int!, $after: String) {
  costs(from: $from, to: $to, groupBy: $groupBy, bucket: $bucket, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    rows { bucket group { dimension tag value } measures { ${MEASURES} } } total { ${MEASURES} } nextCursor } }`;
type Measures = Record<string, string>;
type Page = {
  costs: {
    rows: Array<{ bucket: string | null; group: Array<{ dimension: string | null; tag: string | null; value: string }>; measures: Measures }>;
    total: Measures;
    nextCursor: string | null;
  };
};

async function costs(vars: Record<string, unknown>): Promise<Page['costs']> {
  const answer = await api.gql<Page>(COSTS, { from: '2026-11-01', to: '2026-12-01', groupBy: [], orderBy: 'KEY', first: 100, ...vars }, 'fin');
  assert.ok(answer.data, JSON.stringify(answer.errors));
  return answer.data.costs;
}

const RAW = `SELECT toString(sum(cost_usd)) AS cost, toString(sum(list_cost_usd)) AS list, toString(countIf(is_final)) AS requests, toString(count()) AS attempts,
  toString(sum(input_tokens)) AS i, toString(sum(cached_input_tokens)) AS c, toString(sum(cache_write_tokens)) AS w, toString(sum(output_tokens)) AS o, toString(sum(reasoning_tokens)) AS r
  FROM attempts FINAL WHERE started_at >= '2026-11-01' AND started_at < '2026-12-01'`;
const usd = (v: string) => Number(v).toFixed(12);

test('totals equal raw attempts to the pico-dollar and to the token, in every bucket, list and effective', async () => {
  const raw = (await (await api.store.client.query({ query: RAW, format: 'JSONEachRow' })).json<Record<string, string>>())[0]!;
  const { total } = await costs({});
  assert.equal(total.costUsd, usd(raw.cost!));
  assert.match(total.costUsd!, /^\d+\.\d{12}$/);
  assert.equal(total.listCostUsd, usd(raw.list!));
  assert.notEqual(total.listCostUsd, total.costUsd, 'negotiated rates make list and effective differ');
  assert.deepEqual(
    [total.requests, total.attempts, total.inputTokens, total.cachedInputTokens, total.cacheWriteTokens, total.outputTokens, total.reasoningTokens],
    [raw.requests, raw.attempts, raw.i, raw.c, raw.w, raw.o, raw.r],
  );
  const buckets = ['inputCostUsd', 'cachedInputCostUsd', 'cacheWriteCostUsd', 'outputCostUsd', 'reasoningCostUsd', 'unallocatedCostUsd'].reduce(
    (s, k) => s + BigInt(total[k]!.replace('.', '')),
    0n,
  );
  assert.equal(buckets, BigInt(total.costUsd!.replace('.', '')), 'bucket costs add up to the cost');
});

test('group by team and day, by a tag key, by outcome: each group equals raw', async () => {
  const byTeamDay = await costs({ groupBy: [{ dimension: 'TEAM' }], bucket: 'DAY' });
  assert.equal(byTeamDay.rows.length, 6);
  for (const row of byTeamDay.rows) {
    const cost = await scalar(
      api.store.client,
      'SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE team = {t:String} AND toStartOfDay(started_at) = parseDateTimeBestEffort({d:String})',
      { t: row.group[0]!.value, d: row.bucket! },
    );
    assert.equal(row.measures.costUsd, usd(cost), `${row.group[0]!.value} ${row.bucket}`);
  }
  const byTag = await costs({ groupBy: [{ tag: 'cost_center' }] });
  assert.deepEqual(
    byTag.rows.map((r) => r.group[0]!.value),
    ['', 'cc0', 'cc1', 'cc2'],
  );
  const cc1 = await scalar(api.store.client, "SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE tags_extra['cost_center'] = 'cc1'");
  assert.equal(byTag.rows[2]!.measures.costUsd, usd(cc1));
  const byOutcome = await costs({ groupBy: [{ dimension: 'OUTCOME' }] });
  const requests = Object.fromEntries(byOutcome.rows.map((r) => [r.group[0]!.value, Number(r.measures.requests)]));
  assert.equal(requests.budget_refused, 30, '10 budget refusals a day, not counted as served');
  assert.equal(requests.ok, 3 * 28);
  assert.equal(Number(byOutcome.total.requestsServed), 3 * 28);
});

test('week and month buckets, hourly and daily rollups agree on the same range', async () => {
  const weeks = await costs({ bucket: 'WEEK' });
  // 2026-11-02 is a Monday: the 2nd and 3rd share a week.
  assert.deepEqual(
    weeks.rows.map((r) => r.bucket),
    ['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
  );
  const months = await costs({ bucket: 'MONTH' });
  assert.deepEqual(
    months.rows.map((r) => [r.bucket, r.measures.costUsd]),
    [['2026-11-01T00:00:00.000Z', weeks.total.costUsd]],
  );
  const hours = await costs({ bucket: 'HOUR', from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:00Z' });
  const days = await costs({ bucket: 'DAY', from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:00Z' });
  assert.equal(hours.total.costUsd, days.total.costUsd);
  assert.deepEqual(
    hours.rows.map((r) => r.bucket),
    ['2026-11-02T10:00:00.000Z', '2026-11-03T14:00:00.000Z'],
  );
  const lateHour = await costs({ from: '2026-11-10T23:00:00Z', to: '2026-11-11T00:00:00Z' });
  assert.equal(Number(lateHour.total.requests), 55);
});

test('cursor paging is complete and stable: one row per page gives the same rows, in order, in both orders', async () => {
  for (const orderBy of ['KEY', 'COST_DESC']) {
    const vars = { groupBy: [{ dimension: 'TEAM' }, { dimension: 'PROJECT' }, { tag: 'app' }], bucket: 'DAY', orderBy };
    const whole = await costs({ ...vars, first: 1000 });
    assert.equal(whole.nextCursor, null);
    const paged: typeof whole.rows = [];
    let after: string | null = null;
    do {
      const page: Page['costs'] = await costs({ ...vars, first: 2, after });
      assert.deepEqual(page.total, whole.total, "a page reports the whole range's total");
      paged.push(...page.rows);
      after = page.nextCursor;
    } while (after);
    assert.deepEqual(paged, whole.rows, orderBy);
    assert.ok(whole.rows.length > 10);
  }
  const top = await costs({ groupBy: [{ dimension: 'PROJECT' }], orderBy: 'COST_DESC', first: 2 });
  const costsDesc = top.rows.map((r) => Number(r.measures.costUsd));
  assert.ok(costsDesc[0]! >= costsDesc[1]!, 'top-N is costliest first');
  // A page boundary holds while new traffic arrives in an earlier-sorting group.
  const first = await costs({ groupBy: [{ dimension: 'TEAM' }], bucket: 'DAY', first: 3 });
  await storeEvents(api.store.client, pricedTraffic('2026-11-20', 9));
  const rest = await costs({ groupBy: [{ dimension: 'TEAM' }], bucket: 'DAY', first: 100, after: first.nextCursor });
  assert.deepEqual(
    rest.rows.map((r) => r.bucket!.slice(0, 10) + r.group[0]!.value),
    ['2026-11-03search', '2026-11-10ads', '2026-11-10search', '2026-11-20ads', '2026-11-20search'],
  );
});

test('drill-down reads raw attempts with a required, bounded range and pages by cursor', async () => {
  const Q =
    'query($from: DateTime!, $to: DateTime!, $first: Int!, $after: String, $filter: CostFilter) { attempts(from: $from, to: $to, first: $first, after: $after, filter: $filter) { attempts { attemptId outcome team costUsd tags { key value } } nextCursor } }';
  type A = { attempts: { attempts: Array<{ attemptId: string; outcome: string; team: string; costUsd: string }>; nextCursor: string | null } };
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const page: A = (await api.gql<A>(Q, { from: '2026-11-02T00:00:00Z', to: '2026-11-03T00:00:00Z', first: 25, after }, 'fin')).data!;
    seen.push(...page.attempts.attempts.map((a) => a.attemptId));
    after = page.attempts.nextCursor;
  } while (after);
  assert.equal(seen.length, Number(await scalar(api.store.client, "SELECT count() FROM attempts FINAL WHERE toDate(started_at) = '2026-11-02'")));
  assert.equal(new Set(seen).size, seen.length);
  const refused = await api.gql<A>(Q, { from: '2026-11-02', to: '2026-11-03', first: 100, filter: { outcome: ['budget_refused'] } }, 'fin');
  assert.equal(refused.data!.attempts.attempts.length, 10);
  const tooLong = await api.gql(Q, { from: '2026-11-01', to: '2026-11-30', first: 10 }, 'fin');
  assert.equal(tooLong.errors?.[0]?.extensions?.argument, 'to');
});
