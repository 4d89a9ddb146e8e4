import type { CalendarBudget } from '../../../collector/budget/budget-definition.ts';
import { periodBounds } from '../../../collector/budget/budget-period.ts';
import { usdToNano } from '../../../collector/budget/cost-bucket.ts';
import { nanoToUsdText } from '../../../policy/budgets/budget-spend-query.ts';
import { forecastSpend, statusLevel } from '../../../policy/budgets/budget-forecast.ts';
import type { BudgetGrantor } from '../../../policy/budgets/budget-grantor.ts';

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
 * Live views of budgets: spend of record and leases from the grantor, forecast as a plain run
 * rate (the policy service's minute evaluation adds the daily pattern, in budget_status_v1).
 * A budget nobody has spent on yet shows its matched subject with zero spend.
 */
export async function budgetViews(grantor: BudgetGrantor, budgets: CalendarBudget[], nowMs: number, keep: (b: CalendarBudget, subject: string) => boolean): Promise<BudgetView[]> {
  const out: BudgetView[] = [];
  for (const b of budgets) {
    const totals = await grantor.totals(b);
    const fixed = b.scope === 'org' ? '' : b.match === '*' ? null : b.match;
    if (fixed !== null && !totals.has(fixed)) totals.set(fixed, { spentNano: 0, leasedNano: 0, reservedNano: 0, remainingNano: usdToNano(b.limit_usd) });
    const period = periodBounds(b.period, b.time_zone, nowMs);
    const limitNano = usdToNano(b.limit_usd);
    const softNano = usdToNano(b.soft_limit_usd ?? b.limit_usd);
    for (const [subject, t] of totals) {
      if (!keep(b, subject)) continue;
      const f = forecastSpend(t.spentNano, period, nowMs);
      out.push({
        id: b.id, scope: b.scope.toUpperCase(), subject, parent: b.parent ?? null, period: b.period.toUpperCase(), timeZone: b.time_zone,
        periodStart: new Date(period.startMs), periodEnd: new Date(period.endMs),
        limit: nanoToUsdText(limitNano), softLimit: nanoToUsdText(softNano), thresholds: b.thresholds,
        spent: nanoToUsdText(t.spentNano), reserved: nanoToUsdText(t.reservedNano), leased: nanoToUsdText(t.leasedNano),
        remaining: nanoToUsdText(limitNano - t.spentNano), burnRatePerHour: nanoToUsdText(f.burnRatePerHourNano), forecast: nanoToUsdText(f.forecastNano),
        status: statusLevel(t.spentNano, f.forecastNano, limitNano, softNano, b.thresholds).toUpperCase(),
        action: b.action.toUpperCase(), shadow: b.shadow, failOpen: b.fail_open,
      });
    }
  }
  return out;
}
