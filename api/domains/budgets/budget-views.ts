import type { CalendarBudget } from '../../../collector/budget/budget-definition.ts';
import { periodBounds } from '../../../collector/budget/budget-period.ts';
import { usdToNano } from '../../../collector/budget/cost-bucket.ts';
import { nanoToUsdText } from '../../../policy/budgets/budget-spend-query.ts';
import { forecastSpend, statusLevel } from '../../../policy/budgets/budget-forecast.ts';
import type { BudgetGrantor } from '../../../policy/budgets/budget-grantor.ts';
import { usdTextToNano } from '../../../policy/budgets/budget-spend-query.ts';
import { chTime, type RowReader } from '../../../policy/row-reader.ts';

/** One budget subject as the API shows it; money as exact decimal USD text. */
export interface BudgetView {
  id: string;
  scope: string;
  subject: string;
  parent: string | null;
  period: string;
  timeZone: string;
  periodStart: Date;
  periodEnd: Date;
  limit: string;
  softLimit: string;
  thresholds: number[];
  spent: string;
  reserved: string;
  leased: string;
  remaining: string;
  burnRatePerHour: string;
  forecast: string;
  status: string;
  action: string;
  shadow: boolean;
  failOpen: boolean;
}

/**
 * Live views of budgets: spend of record and leases from the grantor; the forecast is the run
 * rate until the policy service's minute evaluation (daily pattern, budget_status_v1) has one.
 * A budget nobody has spent on yet shows its matched subject with zero spend.
 */
export async function budgetViews(
  grantor: BudgetGrantor,
  rows: RowReader,
  budgets: CalendarBudget[],
  nowMs: number,
  keep: (b: CalendarBudget, subject: string) => boolean,
): Promise<BudgetView[]> {
  const out: BudgetView[] = [];
  for (const b of budgets) {
    const totals = await grantor.totals(b);
    const evaluated = await latestForecasts(rows, b.id, periodBounds(b.period, b.time_zone, nowMs).startMs);
    const fixed = b.scope === 'org' ? '' : b.match === '*' ? null : b.match;
    if (fixed !== null && !totals.has(fixed)) totals.set(fixed, { spentNano: 0, leasedNano: 0, reservedNano: 0, remainingNano: usdToNano(b.limit_usd) });
    const period = periodBounds(b.period, b.time_zone, nowMs);
    const limitNano = usdToNano(b.limit_usd);
    const softNano = usdToNano(b.soft_limit_usd ?? b.limit_usd);
    for (const [subject, t] of totals) {
      if (!keep(b, subject)) continue;
      // The policy service's minute forecast (daily pattern) when there is one; the run rate until then.
      const minute = evaluated.get(subject);
      const runRate = forecastSpend(t.spentNano, period, nowMs);
      const f = minute ? { burnRatePerHourNano: minute.burnNano, forecastNano: Math.max(t.spentNano, minute.forecastNano) } : runRate;
      out.push({
        id: b.id,
        scope: b.scope.toUpperCase(),
        subject,
        parent: b.parent ?? null,
        period: b.period.toUpperCase(),
        timeZone: b.time_zone,
        periodStart: new Date(period.startMs),
        periodEnd: new Date(period.endMs),
        limit: nanoToUsdText(limitNano),
        softLimit: nanoToUsdText(softNano),
        thresholds: b.thresholds,
        spent: nanoToUsdText(t.spentNano),
        reserved: nanoToUsdText(t.reservedNano),
        leased: nanoToUsdText(t.leasedNano),
        remaining: nanoToUsdText(limitNano - t.spentNano),
        burnRatePerHour: nanoToUsdText(f.burnRatePerHourNano),
        forecast: nanoToUsdText(f.forecastNano),
        status: statusLevel(t.spentNano, f.forecastNano, limitNano, softNano, b.thresholds).toUpperCase(),
        action: b.action.toUpperCase(),
        shadow: b.shadow,
        failOpen: b.fail_open,
      });
    }
  }
  return out;
}

/** The newest minute evaluation per subject of a budget's period (budget_status_v1), nanodollars. */
async function latestForecasts(rows: RowReader, budgetId: string, periodStartMs: number): Promise<Map<string, { forecastNano: number; burnNano: number }>> {
  const found = await rows<{ subject: string; forecast: string; burn: string }>(
    `SELECT subject, toString(argMax(forecast_usd, evaluated_at)) AS forecast, toString(argMax(burn_usd_per_hour, evaluated_at)) AS burn
     FROM budget_status_v1 WHERE budget_id = {b:String} AND period_start = {p:DateTime('UTC')} GROUP BY subject`,
    { b: budgetId, p: chTime(periodStartMs).slice(0, 19) },
  );
  return new Map(found.map((r) => [r.subject, { forecastNano: usdTextToNano(r.forecast), burnNano: usdTextToNano(r.burn) }]));
}
