import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { PLUGIN_ID, PLUGIN_VERSION } from './datasource-macros.ts';

/** The provisioned datasource every panel reads (see provisioning/datasources/). */
export const DATASOURCE = { type: PLUGIN_ID, uid: 'switchyard-clickhouse' } as const;

/** sqlutil's FormatQueryOption as the plugin's backend reads `format`. */
export const enum QueryFormat {
  TimeSeries = 0,
  Table = 1,
}

/** A raw-SQL query of the ClickHouse datasource (the plugin's `CHSqlQuery`). */
export interface ClickHouseSqlQuery extends cog.Dataquery {
  refId: string;
  datasource: typeof DATASOURCE;
  editorType: 'sql';
  pluginVersion: string;
  rawSql: string;
  format: QueryFormat;
  queryType: 'timeseries' | 'table';
}

/**
 * Builds a panel target for the foundation SDK's `withTarget`. Time series queries must return
 * a time column first (ordered), then one numeric column per series, or (time, label, value)
 * rows, which the plugin pivots into one series per label.
 */
export function clickhouseSql(rawSql: string, format: QueryFormat = QueryFormat.TimeSeries, refId = 'A'): cog.Builder<cog.Dataquery> {
  const query: ClickHouseSqlQuery = {
    _implementsDataqueryVariant: () => undefined,
    refId,
    datasource: DATASOURCE,
    editorType: 'sql',
    pluginVersion: PLUGIN_VERSION,
    rawSql: rawSql.trim().replace(/\n\s+/g, '\n  '),
    format,
    queryType: format === QueryFormat.TimeSeries ? 'timeseries' : 'table',
  };
  return { build: () => query };
}
