import type { ClickHouseClient } from '../core/clickhouse/client.ts';

/** Runs a SELECT with bound parameters and returns its rows; the API's ReadStore.rows has this shape. */
export type RowReader = <T>(query: string, params: Record<string, unknown>) => Promise<T[]>;

/** A RowReader over a plain client (the policy service's own reads). */
export function clientRows(client: ClickHouseClient): RowReader {
  return async <T>(query: string, params: Record<string, unknown>) => (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** ClickHouse DateTime64(3) text for an instant, as bound parameters and inserts take it. */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Parses ClickHouse DateTime64 text ("2026-11-30 10:00:00.000", UTC) to ms since epoch. */
export function fromChTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}
