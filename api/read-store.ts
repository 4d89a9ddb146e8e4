import type { ClickHouseClient } from '@clickhouse/client';

/** How every API read runs: read-only and time-boxed. */
export interface ReadLimits {
  /** ClickHouse `max_execution_time`, seconds: a runaway query is cut, not left to pile up. */
  maxExecutionSeconds: number;
}

export const defaultReadLimits: ReadLimits = { maxExecutionSeconds: 10 };

/** The API's only way to read ClickHouse: SELECTs with bound parameters under `ReadLimits`. */
export interface ReadStore {
  rows<T>(query: string, params: Record<string, unknown>): Promise<T[]>;
  /** The `SETTINGS …` clause every read ends with, for streamed exports that run their own query. */
  readonly settingsClause: string;
  readonly client: ClickHouseClient;
}

/**
 * `readonly = 2`: the server refuses any write or DDL in these queries whatever the user may do,
 * while still accepting the other settings (`readonly = 1` would refuse those too). On a server,
 * give the API a read-only user as well (README, "API").
 * The settings go in the query's own SETTINGS clause, not in `clickhouse_settings`: the chDB
 * connection turns `clickhouse_settings` into session-wide `SET`s, which would leave the shared
 * embedded session read-only for ingest.
 */
export function readStore(client: ClickHouseClient, limits: ReadLimits = defaultReadLimits): ReadStore {
  if (!Number.isInteger(limits.maxExecutionSeconds) || limits.maxExecutionSeconds < 1) throw new RangeError('maxExecutionSeconds must be a whole number ≥ 1');
  const settingsClause = `SETTINGS readonly = 2, max_execution_time = ${limits.maxExecutionSeconds}`;
  return {
    client,
    settingsClause,
    async rows<T>(query: string, params: Record<string, unknown>) {
      const result = await client.query({ query: `${query}\n${settingsClause}`, query_params: params, format: 'JSONEachRow' });
      return result.json<T>();
    },
  };
}
