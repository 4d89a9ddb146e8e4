import { queryDeploymentAudit } from '../../collector/audit/deployment-audit-query.ts';
import { queryParityRates } from '../../collector/parity/parity-rates-query.ts';
import { sumUsd } from '../../core/money/decimal-usd.ts';
import type { GoodputSlo } from '../goodput.ts';
import type { RowReader } from '../row-reader.ts';
import { previousWeek, type IsoWeek } from './iso-week.ts';
import { budgetLines, costBy, fallbacksByRoute, firedAlerts, routePerformance } from './report-queries.ts';
import { weekOverWeek, type WeeklyReport } from './weekly-report.ts';

/** Goodput SLO for routes without one in the routes file: served within 5 s. */
export const DEFAULT_REPORT_SLO: GoodputSlo = { latencyMs: 5000, ttftMs: null };

/** Changes listed in a report at most; the API's deploymentAudit pages through the rest. */
const MAX_CHANGES = 500;

/**
 * Gathers one ISO week's report from the rollups (never raw attempts), the parity rollup, the
 * budget and alert tables and the deployment audit log. `slos`: the routes file's per-route SLO.
 */
export async function buildWeeklyReport(rows: RowReader, week: IsoWeek, o: { slos?: ReadonlyMap<string, GoodputSlo>; nowMs: number }): Promise<WeeklyReport> {
  const prev = previousWeek(week);
  const sloOf = (route: string) => o.slos?.get(route) ?? DEFAULT_REPORT_SLO;
  const [performance, byTeam, byProject, byModel, byProvider, fallbacks, parity, budgets, alerts, changes] = await Promise.all([
    routePerformance(rows, week.fromMs, week.toMs, sloOf),
    costBy(rows, 'team', week, prev),
    costBy(rows, 'project', week, prev),
    costBy(rows, 'model', week, prev),
    costBy(rows, 'provider', week, prev),
    fallbacksByRoute(rows, week.fromMs, week.toMs),
    queryParityRates(rows, week),
    budgetLines(rows, week.fromMs, week.toMs),
    firedAlerts(rows, week.fromMs, week.toMs, o.nowMs),
    queryDeploymentAudit(rows, { ...week, kinds: [], actor: '', subject: '', after: null, limit: MAX_CHANGES, nowMs: Math.min(o.nowMs, week.toMs) }),
  ]);
  const totalUsd = sumUsd(byTeam.map((r) => r.costUsd));
  const previousTotalUsd = sumUsd(byTeam.map((r) => r.previousUsd));
  return {
    week: week.label,
    fromMs: week.fromMs,
    toMs: week.toMs,
    previousWeek: prev.label,
    generatedAtMs: o.nowMs,
    performance,
    cost: { totalUsd, previousTotalUsd, change: weekOverWeek(Number(totalUsd), Number(previousTotalUsd)), byTeam, byProject, byModel, byProvider },
    fallbacks,
    parity,
    budgets,
    alerts,
    changes,
  };
}
