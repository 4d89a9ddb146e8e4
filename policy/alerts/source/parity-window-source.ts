import type { ClickHouseClient } from '../../../core/clickhouse/client.ts';
import type { GroupWindows } from '../detect/evidence.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import { groupWindowRows, type WindowRow } from './group-rows.ts';
import type { TimeWindow } from './window-plan.ts';
import type { WindowSource } from './window-source.ts';
import { filterSql, windowIndexSql, windowParams } from './window-sql.ts';

/**
 * Rule dimensions as columns of parity_per_minute_by_deployment_v1. Shadow rows store the
 * alternate in `deployment` and the served deployment in `shadow_of`; a rule says `deployment`
 * for the served one and `alternate` for the shadow, as parityReport does.
 */
const SHADOW_COLUMNS: Record<string, string> = { route: 'route', deployment: 'shadow_of', alternate: 'deployment' };

/**
 * The parity rates of docs/parity.md per window, from the parity rollup:
 * `parity_rate` = attempts with parity ok / attempts checked (parity not '' or 'none'), served
 * rows only (shadow_of = ''); volume = attempts checked.
 * `shadow_match_rate` = shadow_matches / attempts over the shadow rows; volume = shadow attempts.
 */
export class ParityWindowSource implements WindowSource {
  constructor(private readonly ch: ClickHouseClient) {}

  async read(rule: AlertRule, windows: readonly TimeWindow[]): Promise<GroupWindows[]> {
    const shadow = rule.metric === 'shadow_match_rate';
    if (!shadow && rule.metric !== 'parity_rate') throw new Error(`rule ${rule.name}: ${rule.metric} is not a parity metric`);
    const columnOf = (d: string) => (shadow ? (SHADOW_COLUMNS[d] ?? d) : d);
    const groupCols = rule.group_by.map((d) => `${columnOf(d)}, `).join('');
    const filters = filterSql(rule.filters, columnOf);
    const [hits, checked, only] = shadow
      ? ['sum(shadow_matches)', 'sum(attempts)', "shadow_of != ''"]
      : ["sumIf(attempts, parity = 'ok')", "sumIf(attempts, parity NOT IN ('', 'none'))", "shadow_of = ''"];
    const query = `
      SELECT ${groupCols}w, toFloat64(${hits}) / nullIf(${checked}, 0) AS value, ${checked} AS volume
      FROM (
        SELECT *, ${windowIndexSql('minute')} AS w FROM parity_per_minute_by_deployment_v1
        WHERE minute >= toDateTime({from:UInt32}, 'UTC') AND minute < toDateTime({to:UInt32}, 'UTC') AND ${only} ${filters.sql})
      WHERE w > 0
      GROUP BY ${groupCols}w`;
    const result = await this.ch.query({ query, query_params: { ...windowParams(windows), ...filters.params }, format: 'JSONEachRow' });
    return groupWindowRows(await result.json<WindowRow>(), rule.group_by, windows, columnOf);
  }
}
