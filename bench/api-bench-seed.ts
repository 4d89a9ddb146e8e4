import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';

/** How the bench seeds: raw rows through every view, or only the chargeback rollups the API reads. */
export type SeedMode = 'raw' | 'rollups';

/**
 * Seeds `attempts` with `total` synthetic attempts spread evenly over [fromMs, fromMs + days),
 * generated inside ClickHouse by INSERT … SELECT FROM numbers() in blocks of `block` rows. The
 * rows go through the real materialized views, so the hourly/daily chargeback and per-minute
 * rollups are built exactly as ingest builds them. Shape: 3 providers × 2 models each; 200 active
 * users, each in one team (20), project (60), feature (8), key (100), region and cost center, so
 * attribution is as correlated as in real traffic; 5 token buckets priced exactly (rates of ≤ 6
 * decimals, so tokens × rate / 10^6 is exact at 12 decimals); 4 % failures.
 */
export async function seedAttempts(
  client: ClickHouseClient,
  o: { total: number; fromMs: number; days: number; block?: number; table?: string },
): Promise<void> {
  const block = o.block ?? 1_000_000;
  const spanMs = o.days * 86_400_000;
  for (let offset = 0; offset < o.total; offset += block) {
    const rows = Math.min(block, o.total - offset);
    await client.command({
      query: `
        INSERT INTO ${o.table ?? 'attempts'} (attempt_id, request_id, attempt_no, is_final, started_at, ended_at, latency_ms, route, requested_model, provider, deployment, model, region,
          is_stream, status, error_class, fallback_reason, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cache_write_tokens,
          input_per_mtok, cached_input_per_mtok, cache_write_per_mtok, output_per_mtok, list_input_per_mtok, list_cached_input_per_mtok, list_cache_write_per_mtok, list_output_per_mtok,
          input_cost_usd, cached_input_cost_usd, cache_write_cost_usd, output_cost_usd, reasoning_cost_usd, cost_usd, list_cost_usd,
          price_version, team, project, feature, user, api_key_id, environment, tags_extra, tier, schema_version, source, source_partition, batch_first_offset, batch_last_offset)
        SELECT generateUUIDv4(n) AS attempt_id, generateUUIDv4(n + 1) AS request_id, 1, true,
          fromUnixTimestamp64Milli(toInt64({from_ms:Int64} + intDiv(n * {span_ms:Int64}, {total:UInt64})), 'UTC') AS started_at,
          started_at + toIntervalMillisecond(400) AS ended_at, 400 + n % 1600 AS latency_ms, 'chat', 'chat',
          ['openai', 'anthropic', 'gemini'][p + 1] AS provider, concat(provider, '-', toString(intDiv(n, 3) % 2)) AS deployment, concat(provider, '-model-', toString(intDiv(n, 3) % 2)) AS model,
          ['us', 'eu'][u % 2 + 1], n % 2 = 0, if(n % 25 = 0, 'error', 'ok') AS status, if(status = 'ok', '', 'server'), 'none',
          if(status = 'ok', 200 + n % 1800, 0) AS it, if(status = 'ok', 20 + n % 600, 0) AS ot, if(n % 3 = 0 AND status = 'ok', 1024, 0) AS ct, if(n % 10 = 0 AND status = 'ok', 64, 0) AS rt, if(n % 7 = 0 AND status = 'ok', 512, 0) AS wt,
          toDecimal64('0.15', 9) * (p + 1) AS ir, toDecimal64('0.075', 9) * (p + 1) AS cr, toDecimal64('0.1875', 9) * (p + 1) AS wr, toDecimal64('0.6', 9) * (p + 1) AS orate,
          toDecimal64('0.2', 9) * (p + 1) AS lir, toDecimal64('0.1', 9) * (p + 1) AS lcr, toDecimal64('0.25', 9) * (p + 1) AS lwr, toDecimal64('0.8', 9) * (p + 1) AS lor,
          toDecimal128(toDecimal128(it, 3) * ir / 1000000, 12) AS ic, toDecimal128(toDecimal128(ct, 3) * cr / 1000000, 12) AS cc, toDecimal128(toDecimal128(wt, 3) * wr / 1000000, 12) AS wc, toDecimal128(toDecimal128(ot, 3) * orate / 1000000, 12) AS oc, toDecimal128(toDecimal128(rt, 3) * orate / 1000000, 12) AS rc,
          ic + cc + wc + oc + rc AS cost, toDecimal128((toDecimal128(it, 3) * lir + toDecimal128(ct, 3) * lcr + toDecimal128(wt, 3) * lwr + toDecimal128(ot + rt, 3) * lor) / 1000000, 12) AS list_cost,
          'bench', concat('team-', toString(u % 20)), concat('project-', toString(u % 60)), concat('feature-', toString(u % 8)), concat('user-', toString(u)),
          concat('key_', toString(u % 100)), 'prod', map('cost_center', concat('cc', toString(u % 10))), 'standard', 1, 'bench', 0, {offset:UInt64}, {offset:UInt64} + {rows:UInt64}
        FROM (SELECT number + {offset:UInt64} AS n, n % 3 AS p, intDiv(n, 7) % 200 AS u FROM numbers({rows:UInt64}))`,
      query_params: { from_ms: o.fromMs, span_ms: spanMs, total: o.total, offset, rows },
    });
  }
}

const CHARGEBACK_VIEWS = ['0019_chargeback_per_hour_mv_v2.sql', '0021_chargeback_per_day_mv_v2.sql'];

/**
 * `rollups` mode: the same synthetic attempts go into a staging table with no views attached, and
 * the hourly and daily chargeback rollups are filled from it by the views' own SELECT (read from
 * their migrations), one INSERT … SELECT each. The API and the FOCUS export read only these two
 * rollups, so their numbers are the ones `raw` mode would give, without building the per-minute
 * TDigest rollup and the dedupe index for every seeded attempt (10× faster on chDB).
 */
export async function seedChargebackRollups(client: ClickHouseClient, o: { total: number; fromMs: number; days: number }): Promise<void> {
  await client.command({ query: 'CREATE TABLE IF NOT EXISTS bench_attempts AS attempts ENGINE = MergeTree ORDER BY tuple()' });
  await seedAttempts(client, { ...o, table: 'bench_attempts' });
  for (const file of CHARGEBACK_VIEWS) {
    const view = readFileSync(new URL(`../core/clickhouse/migrations/${file}`, import.meta.url), 'utf8');
    const target = /TO\s+(\w+)/.exec(view)?.[1];
    const select = view
      .slice(view.indexOf('AS SELECT') + 3)
      .replace(/\bFROM attempts\b/, 'FROM bench_attempts')
      .replace(/\battempts\./g, 'bench_attempts.');
    if (!target) throw new Error(`${file}: no TO table`);
    await client.command({ query: `INSERT INTO ${target} ${select}` });
  }
  await client.command({ query: 'DROP TABLE bench_attempts' });
}
