import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiService } from '../api/api-server.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { exportFocusToFile } from '../finance/focus/focus-export.ts';
import { seedAttempts, seedChargebackRollups, type SeedMode } from './api-bench-seed.ts';

// The API on a realistic month: `costs` for 30 days grouped by team and day over N seeded attempts
// (through the real materialized views), latency percentiles over repeated HTTP queries; then the
// FOCUS export of 7 and 30 days, rows/s and the process RSS while it runs (chDB is in-process, so
// RSS includes the engine; flat means the 30-day peak is no higher than the 7-day one). Prints
// one JSON object.

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '40' },
    seed: { type: 'string', default: 'rollups' },
    json: { type: 'boolean', default: false },
  },
});
const ATTEMPTS = Number(values.attempts);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const SEED = values.seed as SeedMode;
if (SEED !== 'raw' && SEED !== 'rollups') throw new Error('--seed raw|rollups');
const FROM_MS = Date.UTC(2026, 9, 1);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-api-bench-'));
const client = createClickHouse({ kind: 'embedded', path: join(dir, 'clickhouse') });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
const mb = (bytes: number) => Math.round(bytes / 1048576);

/** Peak RSS while `work` runs, sampled every 20 ms. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; rssMaxMb: number }> {
  let max = process.memoryUsage.rss();
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage.rss())), 20);
  try {
    const result = await work();
    return { result, rssMaxMb: mb(Math.max(max, process.memoryUsage.rss())) };
  } finally {
    clearInterval(timer);
  }
}

try {
  await migrate(client);
  const seedStart = performance.now();
  if (SEED === 'raw') await seedAttempts(client, { total: ATTEMPTS, fromMs: FROM_MS, days: DAYS });
  else await seedChargebackRollups(client, { total: ATTEMPTS, fromMs: FROM_MS, days: DAYS });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const rollupRows = Object.fromEntries(
    await Promise.all(
      ['chargeback_per_hour_v2', 'chargeback_per_day_v2'].map(async (t) => [
        t,
        Number((await (await client.query({ query: `SELECT count() AS n FROM ${t}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n),
      ]),
    ),
  );

  const api = await createApiService({ clickhouse: client, auth: { tokens: [], open: true }, log: () => {}, embedded: true });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/graphql`;
  const query =
    'query($from: DateTime!, $to: DateTime!) { costs(from: $from, to: $to, groupBy: [{ dimension: TEAM }], bucket: DAY, first: 1000) { rows { bucket group { value } measures { costUsd listCostUsd requests inputTokens outputTokens } } total { costUsd } } }';
  const variables = { from: new Date(FROM_MS).toISOString(), to: new Date(FROM_MS + DAYS * 86_400_000).toISOString() };
  const timings: number[] = [];
  let rows = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: { costs: { rows: unknown[] } }; errors?: unknown };
    if (!body.data) throw new Error(`costs failed: ${JSON.stringify(body.errors)}`);
    rows = body.data.costs.rows.length;
    if (i >= 3) timings.push(performance.now() - start); // the first runs warm caches
  }
  timings.sort((a, b) => a - b);
  await api.stop();
  api.server.closeAllConnections();
  api.server.close();

  const focus: Record<string, { rows: number; seconds: number; rows_per_s: number; rss_before_mb: number; rss_max_mb: number }> = {};
  for (const days of [7, DAYS]) {
    const out = join(dir, `focus-${days}.parquet`);
    const rssBeforeMb = mb(process.memoryUsage.rss());
    const start = performance.now();
    const { result, rssMaxMb } = await peakRss(() =>
      exportFocusToFile(
        { clickhouse: client, embedded: true },
        { range: { fromMs: FROM_MS, toMs: FROM_MS + days * 86_400_000 }, period: 'day', teams: 'all', format: 'parquet' },
        out,
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    focus[`${days}d`] = {
      rows: result.rows,
      seconds: Number(seconds.toFixed(2)),
      rows_per_s: Math.round(result.rows / seconds),
      rss_before_mb: rssBeforeMb,
      rss_max_mb: rssMaxMb,
    };
  }
  const month = focus[`${DAYS}d`]!;
  const report = {
    attempts_seeded: ATTEMPTS,
    days: DAYS,
    seed:
      SEED === 'raw'
        ? 'INSERT … SELECT FROM numbers() into attempts (1M rows per block), through every real view'
        : "INSERT … SELECT FROM numbers() into a view-less copy of attempts (1M rows per block), then the hourly and daily chargeback rollups filled by their views' own SELECT",
    rollup_rows: rollupRows,
    seed_seconds: Number(seedSeconds.toFixed(1)),
    cost_report_query: `costs ${DAYS} days grouped by TEAM, bucket DAY (${rows} rows), over HTTP`,
    cost_report_runs: RUNS,
    cost_report_p50_ms: Number(percentile(timings, 0.5).toFixed(1)),
    cost_report_p95_ms: Number(percentile(timings, 0.95).toFixed(1)),
    focus_rows: month.rows,
    focus_rows_per_s: month.rows_per_s,
    focus_rss_max_mb: month.rss_max_mb,
    focus_by_range: focus,
  };
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
