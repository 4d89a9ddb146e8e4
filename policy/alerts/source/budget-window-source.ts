import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { GroupWindows } from '../detect/evidence.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import { groupWindowRows, type WindowRow } from './group-rows.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';
import { filterSql, windowIndexSql, windowParams } from './window-sql.ts';

const COLUMNS: Record<string, string> = { budget: 'budget_id', subject: 'subject', scope: 'scope' };
const columnOf = (d: string) => COLUMNS[d] ?? d;

/** spent or forecast over the limit, per budget evaluation row (Decimal USD → share). */
const SHARE_SQL = {
  budget_consumption: 'toFloat64(spent_usd) / nullIf(toFloat64(limit_usd), 0)',
  budget_forecast: 'toFloat64(forecast_usd) / nullIf(toFloat64(limit_usd), 0)',
} as const;

interface EventRow {
  budget: string;
  subject: string;
  scope: string;
  period: string;
  threshold: number;
  spent: string;
  soft_limit: string;
  limit: string;
  forecast: string;
}

/**
 * The budget engine's output as rule windows (docs/budgets.md).
 * Levels: `budget_consumption` = spent / limit and `budget_forecast` = forecast / limit of each
 * (budget, subject)'s newest evaluation in a window (budget_status_v1); a group of several
 * subjects takes the highest. Events (`condition: budget_event`): every event of a period that
 * is still running (budget_events_v1) is its own group, labelled budget, subject, scope, period
 * and threshold, so each event is one alert; it leaves (and its alert resolves) when the period ends.
 */
export class BudgetWindowSource implements WindowSource {
  constructor(private readonly ch: ClickHouseClient) {}

  async read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    if (rule.metric !== 'budget_consumption' && rule.metric !== 'budget_forecast') throw new Error(`rule ${rule.name}: ${rule.metric} is not a budget metric`);
    if (rule.condition.type === 'budget_event') return this.events(rule, windows[0]!.endMs);
    const filters = filterSql(rule.filters, columnOf);
    const groupCols = rule.group_by.map((d) => `${columnOf(d)}, `).join('');
    const query = `
      SELECT ${groupCols}w, max(share) AS value, sum(n) AS volume
      FROM (
        SELECT budget_id, subject, scope, ${windowIndexSql('evaluated_at')} AS w,
          argMax(${SHARE_SQL[rule.metric]}, evaluated_at) AS share, count() AS n
        FROM budget_status_v1
        WHERE evaluated_at >= toDateTime({from:UInt32}, 'UTC') AND evaluated_at < toDateTime({to:UInt32}, 'UTC') ${filters.sql}
        GROUP BY budget_id, subject, scope, w
        HAVING w > 0)
      GROUP BY ${groupCols}w`;
    const result = await this.ch.query({ query, query_params: { ...windowParams(windows), ...filters.params }, format: 'JSONEachRow' });
    return groupWindowRows(await result.json<WindowRow>(), rule.group_by, windows, columnOf);
  }

  /** Events of periods running at `nowMs` (FINAL: a second policy process inserts the same event id). */
  private async events(rule: AlertRule, nowMs: number): Promise<GroupWindows[]> {
    const forecast = rule.metric === 'budget_forecast';
    const filters = filterSql(rule.filters, columnOf);
    const result = await this.ch.query({
      query: `
        SELECT budget_id AS budget, subject, scope, toString(period_start) AS period, threshold,
          toString(spent_usd) AS spent, toString(soft_limit_usd) AS soft_limit, toString(limit_usd) AS limit, toString(forecast_usd) AS forecast
        FROM budget_events_v1 FINAL
        WHERE kind = {kind:String} AND period_start <= toDateTime({now:UInt32}, 'UTC') AND period_end > toDateTime({now:UInt32}, 'UTC') ${filters.sql}
        ORDER BY budget, subject, threshold`,
      query_params: { kind: forecast ? 'forecast_exceeds' : 'threshold', now: Math.floor(nowMs / 1000), ...filters.params },
      format: 'JSONEachRow',
    });
    return (await result.json<EventRow>()).map((e) => {
      const labels: Record<string, string> = { budget: e.budget, subject: e.subject, scope: e.scope, period: `${e.period.replace(' ', 'T')}Z` };
      if (forecast) {
        return {
          labels,
          current: { value: Number(e.forecast) / Number(e.limit), volume: 1 },
          baseline: [],
          threshold: 1,
          detail: `forecast $${e.forecast} exceeds the $${e.limit} limit (spent $${e.spent})`,
        };
      }
      labels.threshold = String(e.threshold);
      return {
        labels,
        current: { value: Number(e.spent) / Number(e.soft_limit), volume: 1 },
        baseline: [],
        threshold: e.threshold,
        // The share spent and the threshold crossed are different numbers: both are named. Floored,
        // so 100 % is never shown before the soft limit is reached.
        detail: `spent $${e.spent} (${Math.floor((Number(e.spent) / Number(e.soft_limit)) * 100)} % of the $${e.soft_limit} soft limit), past its ${Math.round(e.threshold * 100)} % threshold (limit $${e.limit})`,
      };
    });
  }
}
