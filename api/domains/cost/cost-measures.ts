import { formatScaled, toScaled } from '../../../core/money/decimal-usd.ts';

/**
 * What every cost row carries, as `sum()`s over the chargeback rollups: money exact (12 decimals,
 * USD), counts as 64-bit strings. The SQL alias → the GraphQL field.
 */
const money = {
  m_cost: ['cost_usd', 'costUsd'],
  m_list_cost: ['list_cost_usd', 'listCostUsd'],
  m_input_cost: ['input_cost_usd', 'inputCostUsd'],
  m_cached_input_cost: ['cached_input_cost_usd', 'cachedInputCostUsd'],
  m_cache_write_cost: ['cache_write_cost_usd', 'cacheWriteCostUsd'],
  m_output_cost: ['output_cost_usd', 'outputCostUsd'],
  m_reasoning_cost: ['reasoning_cost_usd', 'reasoningCostUsd'],
  m_unallocated_cost: ['unallocated_cost_usd', 'unallocatedCostUsd'],
} as const;

const counts = {
  m_requests: ['requests', 'requests'],
  m_requests_served: ['requests_served', 'requestsServed'],
  m_attempts: ['attempts', 'attempts'],
  m_input_tokens: ['input_tokens', 'inputTokens'],
  m_cached_input_tokens: ['cached_input_tokens', 'cachedInputTokens'],
  m_cache_write_tokens: ['cache_write_tokens', 'cacheWriteTokens'],
  m_output_tokens: ['output_tokens', 'outputTokens'],
  m_reasoning_tokens: ['reasoning_tokens', 'reasoningTokens'],
} as const;

type MoneyField = (typeof money)[keyof typeof money][1];
type CountField = (typeof counts)[keyof typeof counts][1];
/** One row's measures: exact decimal USD strings and 64-bit count strings. */
export type CostMeasures = Record<MoneyField, string> & Record<CountField, string>;

// Plain sums: the client quotes decimals and 64-bit integers in JSON (core/clickhouse/client.ts),
// so they arrive as exact strings; toString() here made the query 6× slower on chDB.
export const measuresSql = [...Object.entries(money), ...Object.entries(counts)].map(([alias, [column]]) => `sum(${column}) AS ${alias}`).join(',\n  ');

/** Reads the measure aliases of one result row. */
export function readMeasures(row: Record<string, string | number>): CostMeasures {
  const out: Record<string, string> = {};
  // ClickHouse trims trailing zeros; money always leaves the API with its 12 decimals.
  for (const [alias, [, field]] of Object.entries(money)) out[field] = formatScaled(toScaled(String(row[alias] ?? '0'), 12), 12);
  for (const [alias, [, field]] of Object.entries(counts)) out[field] = String(row[alias] ?? '0');
  return out as CostMeasures;
}

/** Adds measures exactly (BigInt on the scaled values): a total from the rows that make it up. */
export function sumMeasures(rows: readonly CostMeasures[]): CostMeasures {
  const out: Record<string, string> = {};
  for (const [, field] of Object.values(money))
    out[field] = formatScaled(
      rows.reduce((acc, r) => acc + toScaled(r[field], 12), 0n),
      12,
    );
  for (const [, field] of Object.values(counts)) out[field] = rows.reduce((acc, r) => acc + BigInt(r[field]), 0n).toString();
  return out as CostMeasures;
}

export const costMeasuresTypeDefs = /* GraphQL */ `
  "Cost and usage of one row. Money is exact USD; effective cost (costUsd) is what was billed at the applied (negotiated) rates, list cost the same usage at catalog rates."
  type CostMeasures {
    costUsd: Decimal!
    listCostUsd: Decimal!
    inputCostUsd: Decimal!
    cachedInputCostUsd: Decimal!
    cacheWriteCostUsd: Decimal!
    outputCostUsd: Decimal!
    reasoningCostUsd: Decimal!
    "Cost of attempts stored before events carried a per-bucket breakdown."
    unallocatedCostUsd: Decimal!
    "Requests whose final attempt is in this row."
    requests: Int64!
    "Requests whose final attempt is in this row and succeeded."
    requestsServed: Int64!
    attempts: Int64!
    "Uncached input tokens."
    inputTokens: Int64!
    cachedInputTokens: Int64!
    cacheWriteTokens: Int64!
    "Output tokens excluding reasoning."
    outputTokens: Int64!
    reasoningTokens: Int64!
  }
`;
