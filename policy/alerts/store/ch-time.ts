import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';

/** Runs a SELECT with bound parameters and returns its rows. */
export type Rows = <T>(query: string, params: Record<string, unknown>) => Promise<T[]>;

/** A plain reader on a client (the policy process's own reads). */
export function clickhouseRows(ch: ClickHouseClient): Rows {
  return async <T>(query: string, params: Record<string, unknown>) => (await ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** Epoch ms → the `YYYY-MM-DD hh:mm:ss.sss` form ClickHouse DateTime64(3, 'UTC') reads exactly. */
export function toChTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A DateTime64(3, 'UTC') as ClickHouse prints it → epoch ms. */
export function fromChTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}
