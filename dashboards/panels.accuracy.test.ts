import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import { freshEmbeddedStore } from '../test/support/embedded-store.ts';
import { seedAlerts, seedBudgetStatus, seedRoutingDecisions } from '../test/support/seeded-policy-tables.ts';
import { ingestThroughPipeline, seededTraffic } from '../test/support/seeded-traffic.ts';
import { allBoards, boardJson } from './boards/index.ts';
import { DATASOURCE } from './grafana/clickhouse-query.ts';
import { expandMacros, PLUGIN_ID, PLUGIN_VERSION } from './grafana/datasource-macros.ts';
import { interpolateVariables, type VariableValue } from './grafana/template-variables.ts';

const generated = join(dirname(fileURLToPath(import.meta.url)), 'generated');
const HOUR = 3_600_000;
// Traffic sits inside whole hours of the range, so hour- and minute-grained rollups see all of it.
const now = Math.floor(Date.now() / HOUR) * HOUR;
const range = { fromMs: now - 6 * HOUR, toMs: now + HOUR };
const ctx = { ...range, intervalMs: 60_000 };

interface Target {
  rawSql: string;
  format: number;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Board {
  title: string;
  panels: Panel[];
  templating: { list?: Array<{ name: string; type: string; query: string }> };
}

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let client: ClickHouseClient;
/** Every panel's result, by "board / panel title". */
const results = new Map<string, Array<Record<string, unknown>>>();

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  const result = await client.query({ query: sql, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}
const num = (v: unknown) => Number(v);

before(async () => {
  store = await freshEmbeddedStore();
  client = store.client;
  await ingestThroughPipeline(client, seededTraffic(now - 4 * HOUR, now - 10 * 60_000, 600));
  await seedRoutingDecisions(client, now);
  await seedAlerts(client, now);
  await seedBudgetStatus(client, now);
});

after(async () => store.dispose());

test('the committed dashboard JSON is what the builders produce (run npm run dashboards:build)', () => {
  for (const [name, board] of Object.entries(allBoards()))
    assert.equal(readFileSync(join(generated, `${name}.json`), 'utf8'), boardJson(board), `${name}.json is stale`);
});

test('every panel of every board runs on the seeded rollups, macros expanded as the datasource does, and returns data', async () => {
  for (const name of Object.keys(allBoards())) {
    const board = JSON.parse(readFileSync(join(generated, `${name}.json`), 'utf8')) as Board;
    const vars: Record<string, VariableValue> = {};
    for (const v of board.templating.list ?? []) {
      if (v.type === 'query') vars[v.name] = { kind: 'all', options: (await rows(v.query)).map((r) => String(Object.values(r)[0])) };
      else vars[v.name] = { kind: 'single', value: String((v as unknown as { current: { value: string } }).current.value) };
    }
    const panels = board.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.targets?.length);
    assert.ok(panels.length > 0, `${board.title} has panels`);
    for (const panel of panels) {
      for (const target of panel.targets!) {
        const sql = expandMacros(interpolateVariables(target.rawSql, vars, range), ctx);
        assert.doesNotMatch(sql, /\$\{|\$__(?!all)/, `${board.title} / ${panel.title}: unexpanded macro or variable`);
        const got = await rows(sql).catch((err: Error) => assert.fail(`${board.title} / ${panel.title}: ${err.message.split('\n')[0]}\n${sql}`));
        assert.ok(got.length > 0, `${board.title} / ${panel.title} returned no rows`);
        if (target.format === 0) {
          assert.equal(Object.keys(got[0]!)[0], 'time', `${board.title} / ${panel.title}: a time series starts with its time column`);
          const times = got.map((r) => Date.parse(String(r.time).replace(' ', 'T') + 'Z'));
          assert.deepEqual(
            times,
            [...times].sort((a, b) => a - b),
            `${board.title} / ${panel.title}: ordered by time`,
          );
        }
        results.set(`${name} / ${panel.title}`, got);
      }
    }
  }
});

const rawWhere = `started_at >= fromUnixTimestamp64Milli(${range.fromMs}) AND started_at <= fromUnixTimestamp64Milli(${range.toMs})`;

test('spend panels reconcile with raw attempts to the last decimal', async () => {
  const [raw] = await rows(`SELECT toString(sum(cost_usd)) AS cost, countIf(is_final AND status = 'ok') AS served,
    toString(sum(cached_input_tokens * if(deployment = 'openai-primary', 0.075, 0.72)) / 1000000) AS savings FROM attempts FINAL WHERE ${rawWhere}`);
  assert.equal(String(results.get('spend / Spend')![0]!.spend_usd), String(raw!.cost));
  assert.equal(num(results.get('spend / Requests served')![0]!.requests_served), num(raw!.served));
  assert.ok(Math.abs(num(results.get('spend / Cache savings')![0]!.cache_savings_usd) - num(raw!.savings)) < 1e-9);
  const [search] = await rows(`SELECT toString(sum(cost_usd)) AS cost, toString(sum(toDecimal128(list_cost_usd, 12))) AS list FROM attempts FINAL
    WHERE ${rawWhere} AND team = 'search' AND project = 'autocomplete' AND feature = 'suggest'`);
  const top = results.get('spend / Top spenders')!.find((r) => r.team === 'search')!;
  assert.equal(String(top.spend_usd), String(search!.cost));
  assert.equal(num(top.list_cost_usd), num(search!.list));
  assert.ok(num(results.get('spend / Negotiated savings')![0]!.negotiated_savings_usd) > 0, 'negotiated rates are below list');
  const budgetNow = results.get('spend / Budgets now')!;
  assert.deepEqual(
    budgetNow.map((r) => [r.budget_id, num(r.spent), num(r.forecast), r.budget_status]),
    [['search-monthly', 38, 56, 'forecast_exceeded']],
  );
});

test('reliability and latency panels agree with raw attempts', async () => {
  const raw = await rows(`SELECT deployment, count() AS attempts, countIf(status = 'ok') AS ok, countIf(status = 'rate_limited') AS rate_limited,
    quantileExactIf(0.95)(latency_ms, status = 'ok') AS p95 FROM attempts FINAL WHERE ${rawWhere} AND route = 'chat' GROUP BY deployment`);
  const table = results.get('reliability / Deployments in range')!;
  const latency = results.get('latency / Percentiles by deployment')!;
  for (const r of raw) {
    const row = table.find((t) => t.route === 'chat' && t.deployment === r.deployment)!;
    assert.deepEqual([num(row.Attempts), num(row.OK), num(row['429s'])], [num(r.attempts), num(r.ok), num(r.rate_limited)], String(r.deployment));
    const p95 = num((latency.find((t) => t.route === 'chat' && t.deployment === r.deployment)!.latency_p50_p95_p99_ms as number[])[1]);
    assert.ok(Math.abs(p95 - num(r.p95)) / num(r.p95) < 0.1, `${r.deployment}: TDigest p95 ${p95} vs exact ${r.p95}`);
  }
  // Goodput at the default SLO (latency ≤ 10 s, TTFT ≤ 1 s; not streamed: TTFT = latency): requests per second × interval = served within SLO.
  const [good] = await rows(`SELECT countIf(is_final AND status = 'ok' AND latency_ms <= 10000 AND coalesce(ttft_ms, latency_ms) <= 1000) AS good
    FROM attempts FINAL WHERE ${rawWhere}`);
  const summed = results.get('latency / Goodput by route')!.reduce((s, r) => s + num(r.goodput_rps) * 60, 0);
  assert.equal(Math.round(summed), num(good!.good));
});

test('the routing board shows the newest decision per deployment and the override in force', () => {
  const latest = results.get('routing / Latest decision per deployment')!;
  assert.deepEqual(
    [num(latest.find((r) => r.deployment === 'openai-primary')!.weight_now), latest.find((r) => r.deployment === 'openai-primary')!.reason_now],
    [1, 'healthy'],
  );
  assert.equal(num(latest.find((r) => r.deployment === 'anthropic-backup')!.weight_now), 0.5);
  const overrides = results.get('routing / Operator overrides')!;
  assert.deepEqual(
    overrides.map((r) => [r.deployment, r.override_action, num(r.canary_share), r.set_by]),
    [['anthropic-backup', 'canary', 0.1, 'ops']],
  );
});

test('docker compose provisions the pinned plugin, the datasource uid the panels use, and the generated boards', async () => {
  const { parse } = await import('yaml');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { environment: Record<string, string>; volumes: string[] }>;
  };
  const grafana = compose.services.grafana!;
  assert.equal(grafana.environment.GF_PLUGINS_PREINSTALL_SYNC, `${PLUGIN_ID}@${PLUGIN_VERSION}`);
  assert.ok(grafana.volumes.includes('./dashboards/generated:/var/lib/grafana/dashboards/switchyard:ro'));
  const datasource = parse(readFileSync(join(root, 'dashboards/provisioning/datasources/clickhouse.yaml'), 'utf8')) as {
    datasources: Array<{ uid: string; type: string }>;
  };
  assert.deepEqual({ uid: datasource.datasources[0]!.uid, type: datasource.datasources[0]!.type }, DATASOURCE);
  const provider = parse(readFileSync(join(root, 'dashboards/provisioning/dashboards/switchyard.yaml'), 'utf8')) as {
    providers: Array<{ options: { path: string } }>;
  };
  assert.equal(provider.providers[0]!.options.path, '/var/lib/grafana/dashboards/switchyard');
});

test('the alerts board shows what is firing now, what fired, and how deliveries went', () => {
  const firing = results.get('alerts / Firing and pending now')!;
  assert.deepEqual(
    firing.map((r) => [r.rule, r.current_state]),
    [['spend_spike', 'firing']],
  );
  const recent = results.get('alerts / Recent alerts')!;
  assert.deepEqual(recent.map((r) => r.rule).sort(), ['rate_limit_spike', 'spend_spike']);
  assert.equal(recent.find((r) => r.rule === 'rate_limit_spike')!.latest_state, 'ok');
  const tries = results.get('alerts / Delivery tries by outcome')!;
  assert.deepEqual(tries.map((r) => r.outcome).sort(), ['delivered', 'rate_limited']);
  assert.deepEqual(
    results.get('alerts / Dead letters')!.map((r) => r.receiver),
    ['webhook-finance'],
  );
});
