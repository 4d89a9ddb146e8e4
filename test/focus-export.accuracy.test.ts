import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scalar } from './support/embedded-store.ts';
import { pricedTraffic } from './support/priced-traffic.ts';
import { startTestApi, testToken } from '../api/testing/api-harness.ts';
import { storeEvents } from '../api/testing/seed.ts';
import { toScaled } from '../core/money/decimal-usd.ts';
import { runFocusExport } from '../finance/export-commands.ts';
import { focusColumns } from '../finance/focus/focus-columns.ts';
import { parseCsv } from '../finance/focus/csv-rows.ts';

let api: Awaited<ReturnType<typeof startTestApi>>;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-focus-test-'));
let rows: Array<Record<string, string | null>>;

before(async () => {
  api = await startTestApi([testToken('fin', 'finance', ['*']), testToken('fin-search', 'finance', ['search']), testToken('viewer', 'viewer', ['*'])]);
  await storeEvents(api.store.client, [...pricedTraffic('2026-11-02', 10), ...pricedTraffic('2026-11-03', 23), ...pricedTraffic('2026-12-01', 0)]);
  const written = await runFocusExport(
    api.store.client,
    { kind: 'embedded', path: api.store.path },
    { from: '2026-11-01', to: '2026-12-01', out: join(dir, 'focus.csv'), nowMs: Date.UTC(2026, 11, 2) },
  );
  rows = parseCsv(readFileSync(written.out, 'utf8'));
  assert.equal(rows.length, written.rows);
});
after(() => api.close());

const pico = (v: string | null | undefined) => toScaled(v ?? '0', 12);
const sumPico = (rs: typeof rows, column: string) => rs.reduce((s, r) => s + pico(r[column]), 0n);
const RAW_NOV = "started_at >= '2026-11-01' AND started_at < '2026-12-01'";

test('billed, effective and contracted cost reconcile with raw attempts to the pico-dollar, overall and per team', async () => {
  const raw = pico(await scalar(api.store.client, `SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE ${RAW_NOV}`));
  assert.ok(raw > 0n);
  for (const column of ['BilledCost', 'EffectiveCost', 'ContractedCost']) assert.equal(sumPico(rows, column), raw, column);
  for (const team of ['search', 'ads']) {
    const rawTeam = pico(
      await scalar(api.store.client, `SELECT toString(sum(cost_usd)) FROM attempts FINAL WHERE ${RAW_NOV} AND team = {t:String}`, { t: team }),
    );
    assert.equal(
      sumPico(
        rows.filter((r) => r.SubAccountId === team),
        'BilledCost',
      ),
      rawTeam,
      team,
    );
  }
  // List cost at the catalog rates: exact for catalog rates (≤ 6 decimals).
  assert.equal(sumPico(rows, 'ListCost'), pico(await scalar(api.store.client, `SELECT toString(sum(list_cost_usd)) FROM attempts FINAL WHERE ${RAW_NOV}`)));
  assert.notEqual(sumPico(rows, 'ListCost'), raw, 'negotiated rates below list');
});

test('one row per charge day × SKU, quantities equal raw tokens, unit price × quantity = cost exactly on every row', async () => {
  const tokenColumn = {
    input: 'input_tokens',
    cached_input: 'cached_input_tokens',
    cache_write: 'cache_write_tokens',
    output: 'output_tokens',
    reasoning: 'reasoning_tokens',
  } as const;
  for (const [sku, column] of Object.entries(tokenColumn)) {
    const raw = BigInt(await scalar(api.store.client, `SELECT toString(sum(${column})) FROM attempts FINAL WHERE ${RAW_NOV}`));
    const exported = rows.filter((r) => r.x_TokenType === sku).reduce((s, r) => s + BigInt(r.ConsumedQuantity!.replace(/\.0$/, '')), 0n);
    assert.equal(exported, raw, sku);
  }
  for (const r of rows) {
    assert.equal(r.ChargeCategory, 'Usage');
    assert.equal(r.PricingUnit, '1000000 Tokens');
    // quantity (6 decimals) × unit price (9 decimals) = cost at 15 decimals; the cost column has 12.
    const quantity = toScaled(r.PricingQuantity!, 6);
    assert.equal(quantity * 1_000_000n, BigInt(r.ConsumedQuantity!.replace(/\.0$/, '')) * 1_000_000n);
    assert.equal(quantity * toScaled(r.ContractedUnitPrice!, 9), pico(r.ContractedCost) * 1000n, `${r.SkuPriceId} contracted`);
    assert.equal(quantity * toScaled(r.ListUnitPrice!, 9), pico(r.ListCost) * 1000n, `${r.SkuPriceId} list`);
    assert.match(r.BilledCost!, /^\d+\.\d{12}$/, 'cost at its declared 12 decimals');
    // Half-open UTC days inside a calendar-month billing period.
    assert.equal(Date.parse(r.ChargePeriodEnd!) - Date.parse(r.ChargePeriodStart!), 86_400_000);
    assert.deepEqual([r.BillingPeriodStart, r.BillingPeriodEnd], ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z']);
    const tags = JSON.parse(r.Tags!) as Record<string, string>;
    assert.equal(tags.team, r.SubAccountId);
    assert.ok(tags.project && tags.feature && tags.key, r.Tags!);
  }
  assert.deepEqual([...new Set(rows.map((r) => r.ChargePeriodStart))].sort(), ['2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z']);
  assert.deepEqual([...new Set(rows.map((r) => r.x_TokenType))].sort(), ['cache_write', 'cached_input', 'input', 'output', 'reasoning']);
  const header = Object.keys(rows[0]!);
  assert.deepEqual(
    header,
    focusColumns.map((c) => c.name),
  );
  const metadata = JSON.parse(readFileSync(join(dir, 'focus.csv.metadata.json'), 'utf8')) as {
    Schemas: Array<{ FocusVersion: string; ColumnDefinition: Array<{ ColumnName: string }> }>;
  };
  assert.equal(metadata.Schemas[0]!.FocusVersion, '1.2');
  assert.deepEqual(
    metadata.Schemas[0]!.ColumnDefinition.map((c) => c.ColumnName),
    header,
  );
});

test('Parquet, written by ClickHouse itself, carries the same cost', async () => {
  const written = await runFocusExport(
    api.store.client,
    { kind: 'embedded', path: api.store.path },
    { from: '2026-11-01', to: '2026-12-01', format: 'parquet', out: join(dir, 'focus.parquet'), nowMs: 0 },
  );
  assert.equal(written.rows, rows.length);
  assert.equal(readFileSync(written.out).subarray(0, 4).toString(), 'PAR1');
  const cost = await scalar(api.store.client, 'SELECT toString(sum(BilledCost)) FROM file({p:String}, Parquet)', { p: written.out });
  assert.equal(pico(cost), sumPico(rows, 'BilledCost'));
});

test('HTTP download: finance only, scoped to its teams, user mistakes named', async () => {
  const get = (query: string, token?: string) => fetch(`${api.base}/exports/focus${query}`, { headers: token ? { authorization: `Bearer tok-${token}` } : {} });
  const all = await get('?from=2026-11-01&to=2026-12-01&format=csv', 'fin');
  assert.equal(all.status, 200);
  assert.match(all.headers.get('content-disposition') ?? '', /attachment; filename="focus-2026-11-01-2026-12-01\.csv"/);
  assert.equal(parseCsv(await all.text()).length, rows.length);
  const scoped = parseCsv(await (await get('?from=2026-11-01&to=2026-12-01', 'fin-search')).text());
  assert.ok(scoped.length > 0);
  assert.deepEqual([...new Set(scoped.map((r) => r.SubAccountId))], ['search']);
  assert.equal((await get('?from=2026-11-01&to=2026-12-01', 'viewer')).status, 403);
  assert.equal((await get('?from=2026-11-01&to=2026-12-01')).status, 401);
  for (const [query, argument] of [
    ['?from=Nov%201%202026&to=2026-12-01', 'from'],
    ['?from=2026-11-01T10:00:00Z&to=2026-12-01', 'from'],
    ['?from=2026-12-01&to=2026-11-01', 'to'],
    ['?from=2026-11-01&to=2026-12-01&format=xlsx', 'format'],
  ]) {
    const answer = await get(query!, 'fin');
    assert.equal(answer.status, 400, query);
    assert.equal(((await answer.json()) as { error: { argument: string } }).error.argument, argument, query);
  }
  // Found: a missing `to` answered "got undefined" instead of saying the parameter is required.
  for (const [query, argument] of [
    ['?from=2026-11-01', 'to'],
    ['?to=2026-12-01', 'from'],
    ['', 'from'],
  ]) {
    const answer = await get(query!, 'fin');
    assert.equal(answer.status, 400, query);
    const { error } = (await answer.json()) as { error: { argument: string; message: string } };
    assert.equal(error.argument, argument, query);
    assert.match(error.message, new RegExp(`^${argument}: is required \\(an ISO-8601 UTC timestamp like "2026-11-01T00:00:00Z" or "2026-11-01"\\)$`), query);
  }
  const metadata = await get('/metadata', 'fin');
  assert.equal(((await metadata.json()) as { Schemas: Array<{ FocusVersion: string }> }).Schemas[0]!.FocusVersion, '1.2');
});

test('monthly showback per team adds up to the month, with savings and shares', async () => {
  const answer = await api.gql<{
    showback: {
      total: { costUsd: string };
      teams: Array<{ team: string; measures: { costUsd: string; listCostUsd: string }; savingsUsd: string; sharePercent: string }>;
    };
  }>('{ showback(month: "2026-11") { total { costUsd } teams { team measures { costUsd listCostUsd } savingsUsd sharePercent } } }', {}, 'fin');
  const { total, teams } = answer.data!.showback;
  assert.deepEqual(teams.map((t) => t.team).sort(), ['ads', 'search']);
  assert.equal(
    teams.reduce((s, t) => s + pico(t.measures.costUsd), 0n),
    pico(total.costUsd),
  );
  assert.equal(pico(total.costUsd), sumPico(rows, 'BilledCost'));
  for (const t of teams) assert.equal(pico(t.savingsUsd), pico(t.measures.listCostUsd) - pico(t.measures.costUsd));
  const shares = teams.reduce((s, t) => s + Number(t.sharePercent), 0);
  assert.equal(shares.toFixed(2), '100.00', 'shares add to exactly 100 %');
  assert.equal((await api.gql('{ showback(month: "2026-13") { month } }', {}, 'fin')).errors?.[0]?.extensions?.argument, 'month');
});
