import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, QueryVariableBuilder, CustomVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { clickhouseSql, DATASOURCE, QueryFormat } from '../grafana/clickhouse-query.ts';

/** The dashboard variables every board may filter on, each a column of the rollups. */
export const filterVariables = ['team', 'project', 'route', 'provider', 'model'] as const;
export type FilterVariable = (typeof filterVariables)[number];

/**
 * `col IN (${var:singlequote})` for each variable whose column the table has. Variables are
 * multi-value with All = every option, so the clause always holds a non-empty list.
 */
export function filters(vars: readonly FilterVariable[]): string {
  return vars.map((v) => `${v} IN (\${${v}:singlequote})`).join(' AND ');
}

/** A multi-value query variable listing the values seen in the daily chargeback rollup. */
function filterVariable(name: FilterVariable): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(name[0]!.toUpperCase() + name.slice(1))
    .datasource(DATASOURCE)
    .query(`SELECT DISTINCT ${name} FROM chargeback_per_day_v2 ORDER BY ${name}`)
    .multi(true)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** A custom variable with fixed options; `values[0]` is the default. */
export function customVariable(name: string, label: string, values: string[]): CustomVariableBuilder {
  return new CustomVariableBuilder(name).label(label).values(values.join(',')).current({ text: values[0]!, value: values[0]! });
}

/** A board with Switchyard's defaults: UTC, the filter variables it uses, refresh every minute. */
export function board(uid: string, title: string, description: string, from: string, vars: readonly FilterVariable[]): DashboardBuilder {
  const builder = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['switchyard'])
    .timezone('utc')
    .time({ from, to: 'now' })
    .refresh('1m')
    .readonly();
  for (const v of vars) builder.withVariable(filterVariable(v));
  return builder;
}

/** A time series panel; `sql` returns (time, series, value) rows ordered by time, or (time, value…). */
export function timeSeriesPanel(title: string, description: string, sql: string, unit: string, stacked = false): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .withTarget(clickhouseSql(sql))
    .unit(unit)
    .height(8)
    .span(12)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return panel;
}

/** A single-number panel over the whole range. */
export function statPanel(title: string, description: string, sql: string, unit: string): stat.PanelBuilder {
  return new stat.PanelBuilder().title(title).description(description).withTarget(clickhouseSql(sql, QueryFormat.Table)).unit(unit).height(4).span(6);
}

/** A table panel. */
export function tablePanel(title: string, description: string, sql: string): table.PanelBuilder {
  return new table.PanelBuilder().title(title).description(description).withTarget(clickhouseSql(sql, QueryFormat.Table)).height(9).span(24);
}
