import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { toScaled } from '../core/money/decimal-usd.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { pricedTraffic } from './support/priced-traffic.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let events: AttemptEvent[];
const DAY = '2026-11-21';

before(async () => {
  store = await freshEmbeddedStore();
  events = pricedTraffic(DAY);
  const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'rollups-v2' });
  await handle(events.map((e, i) => ({ key: e.request_id, value: serializeAttemptEvent(e), partition: 0, offset: String(i) })));
});
after(async () => store.dispose());

async function rows(client: ClickHouseClient, query: string): Promise<Array<Record<string, string>>> {
  return (await client.query({ query, query_params: { day: DAY }, format: 'JSONEachRow' })).json<Record<string, string>>();
}

const SUMS = `sum(attempts) AS attempts, sum(requests) AS requests, sum(requests_served) AS requests_served,
  sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens, toString(sum(cost_usd)) AS cost_usd`;
const RAW = `SELECT count() AS attempts, countIf(is_final) AS requests, countIf(is_final AND status = 'ok') AS requests_served,
  sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens, toString(sum(toDecimal128(cost_usd, 12))) AS cost_usd
  FROM (SELECT * FROM attempts WHERE toDate(started_at) = {day:Date} LIMIT 1 BY attempt_id)`;

const usd = (v: string | undefined) => toScaled(v ?? '0', 12);

test('the found case: 55 requests of which 28 served, with every outcome split out', async () => {
  const finals = events.filter((e) => e.is_final);
  assert.equal(finals.length, 55);
  assert.equal(finals.filter((e) => e.status === 'ok').length, 28);
  for (const table of ['attempts_per_minute_by_deployment_v2', 'chargeback_per_hour_v2', 'chargeback_per_day_v2']) {
    const [r] = await rows(store.client, `SELECT sum(requests) AS requests, sum(requests_served) AS served, sum(attempts) AS attempts FROM ${table}`);
    assert.deepEqual(r, { requests: '55', served: '28', attempts: String(events.length) }, table);
  }
  const byOutcome = await rows(
    store.client,
    'SELECT outcome, sum(requests) AS requests, sum(attempts) AS attempts FROM chargeback_per_day_v2 GROUP BY outcome ORDER BY outcome',
  );
  assert.deepEqual(byOutcome, [
    { outcome: 'budget_refused', requests: '10', attempts: '10' },
    { outcome: 'cancelled', requests: '5', attempts: '5' },
    { outcome: 'error', requests: '0', attempts: '5' },
    { outcome: 'ok', requests: '28', attempts: '28' },
    { outcome: 'rate_limited', requests: '0', attempts: '6' },
    { outcome: 'rejected', requests: '7', attempts: '7' },
    { outcome: 'timeout', requests: '5', attempts: '5' },
  ]);
  const [ops] = await rows(
    store.client,
    `SELECT sum(ok) AS ok, sum(error) AS error, sum(timeout) AS timeout, sum(rate_limited) AS rate_limited, sum(cancelled) AS cancelled,
       sum(rejected) AS rejected, sum(budget_refused) AS budget_refused, sum(retries) AS retries,
       toJSONString(sumMap(errors_by_class)) AS errors_by_class, toJSONString(sumMap(fallbacks_by_reason)) AS fallbacks_by_reason
     FROM attempts_per_minute_by_deployment_v2`,
  );
  assert.deepEqual(ops, {
    ok: '28',
    error: '5',
    timeout: '5',
    rate_limited: '6',
    cancelled: '5',
    rejected: '7',
    budget_refused: '10',
    retries: '11',
    errors_by_class: '{"budget_exhausted":"10","cancelled":"5","circuit_open":"7","rate_limited":"6","server":"5","timeout":"5"}',
    fallbacks_by_reason: '{"rate_limited":"6","server_error":"5"}',
  });
});

test('every v2 rollup equals distinct raw attempts in every count, token bucket and cost', async () => {
  const [raw] = await rows(store.client, RAW);
  assert.equal(raw!.cache_write_tokens !== '0', true, 'seeded cache writes');
  for (const table of ['attempts_per_minute_by_deployment_v2', 'chargeback_per_hour_v2', 'chargeback_per_day_v2']) {
    const [rollup] = await rows(store.client, `SELECT ${SUMS} FROM ${table}`);
    assert.deepEqual({ ...rollup, cost_usd: usd(rollup!.cost_usd) }, { ...raw, cost_usd: usd(raw!.cost_usd) }, table);
  }
});

test('cost by bucket sums exactly to cost_usd, and every row satisfies unit price × quantity = cost', async () => {
  const expected = events.reduce((acc, e) => acc + usd(e.cost_usd), 0n);
  for (const table of ['chargeback_per_hour_v2', 'chargeback_per_day_v2']) {
    const all = await rows(store.client, `SELECT * EXCEPT tags FROM ${table}`);
    let total = 0n;
    let list = 0n;
    for (const r of all) {
      const buckets: Array<[string, string, string]> = [
        ['input_tokens', 'input_per_mtok', 'input_cost_usd'],
        ['cached_input_tokens', 'cached_input_per_mtok', 'cached_input_cost_usd'],
        ['cache_write_tokens', 'cache_write_per_mtok', 'cache_write_cost_usd'],
        ['output_tokens', 'output_per_mtok', 'output_cost_usd'],
        ['reasoning_tokens', 'output_per_mtok', 'reasoning_cost_usd'],
      ];
      let sum = 0n;
      let listSum = 0n;
      for (const [qty, rate, cost] of buckets) {
        // tokens × rate[1e-9 $/Mtok] is in 1e-15 $; the stored cost is in 1e-12 $.
        assert.equal(BigInt(r[qty]!) * toScaled(r[rate]!, 9), usd(r[cost]) * 1000n, `${table} ${cost}`);
        listSum += BigInt(r[qty]!) * toScaled(r[`list_${rate}`]!, 9);
        sum += usd(r[cost]);
      }
      assert.equal(usd(r.unallocated_cost_usd), 0n);
      assert.equal(sum, usd(r.cost_usd), `${table}: buckets = cost_usd`);
      assert.equal(listSum, usd(r.list_cost_usd) * 1000n, `${table}: list rates × tokens = list_cost_usd`);
      total += usd(r.cost_usd);
      list += usd(r.list_cost_usd);
    }
    assert.equal(total, expected, table);
    assert.ok(list > total, 'the negotiated deployment is cheaper than list');
  }
});

test('tags group by any key, and costs by tag add up to the events', async () => {
  const byTag = await rows(
    store.client,
    "SELECT tags['cost_center'] AS cc, toString(sum(cost_usd)) AS cost FROM chargeback_per_hour_v2 GROUP BY cc ORDER BY cc",
  );
  const expected = new Map<string, bigint>();
  for (const e of events) expected.set(e.tags.extra.cost_center ?? '', (expected.get(e.tags.extra.cost_center ?? '') ?? 0n) + usd(e.cost_usd));
  assert.deepEqual(
    byTag.map((r) => [r.cc, usd(r.cost)]),
    [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)),
  );
});

test('latency, TTFT and time-per-token states and goodput buckets describe the served requests', async () => {
  const [q] = await rows(
    store.client,
    `SELECT quantilesTDigestMerge(0.5)(ok_latency_ms_q)[1] AS p50, quantilesTDigestMerge(0.5)(ttft_ms_q)[1] AS ttft_p50,
       quantilesTDigestMerge(0.5)(tpot_ms_q)[1] AS tpot_p50, toJSONString(sumMap(served_by_latency_ttft)) AS served
     FROM attempts_per_minute_by_deployment_v2`,
  );
  // 64-bit counts come back quoted.
  const served = Object.fromEntries(Object.entries(JSON.parse(q!.served!) as Record<string, string>).map(([k, v]) => [k, Number(v)]));
  assert.equal(
    Object.values(served).reduce((a, b) => a + b, 0),
    28,
  );
  // 8 streams with TTFT 200…235 ms land in the ≤ 250 ms TTFT bucket; the rest have none.
  assert.equal(
    Object.entries(served)
      .filter(([k]) => k.endsWith(':250'))
      .reduce((a, [, n]) => a + n, 0),
    8,
  );
  assert.equal(
    Object.entries(served)
      .filter(([k]) => k.endsWith(':none'))
      .reduce((a, [, n]) => a + n, 0),
    20,
  );
  assert.ok(Number(q!.p50) >= 300 && Number(q!.p50) <= 600, `p50 ${q!.p50}`);
  assert.ok(Number(q!.ttft_p50) >= 200 && Number(q!.ttft_p50) <= 235, `ttft p50 ${q!.ttft_p50}`);
  assert.ok(Number(q!.tpot_p50) > 0, `tpot p50 ${q!.tpot_p50}`);
});
