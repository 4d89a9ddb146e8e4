import { createHash } from 'node:crypto';
import type { CalendarBudget } from '../../collector/budget/budget-definition.ts';
import { usdToNano } from '../../collector/budget/cost-bucket.ts';
import type { PeriodBounds } from '../../collector/budget/budget-period.ts';
import { forecastSpend, statusLevel, type BudgetStatusLevel, type DailyPattern } from './budget-forecast.ts';

/** One budget subject at one evaluation: everything in integer nanodollars. */
export interface SubjectEvaluation {
  budget: CalendarBudget;
  subject: string;
  period: PeriodBounds;
  spentNano: number;
  reservedNano: number;
  leasedNano: number;
  remainingNano: number;
  burnRatePerHourNano: number;
  forecastNano: number;
  status: BudgetStatusLevel;
}

/** A budget event for alerting (budget_events_v1; docs/budgets.md). */
export interface BudgetEvent {
  eventId: string;
  kind: 'threshold' | 'forecast_exceeds';
  /** Share of the soft limit crossed; 0 for forecast_exceeds. */
  threshold: number;
  evaluation: SubjectEvaluation;
}

/** Pure: spend, leases and the daily pattern in, the subject's figures out. */
export function evaluateSubject(
  budget: CalendarBudget,
  subject: string,
  period: PeriodBounds,
  spent: { spentNano: number; reservedNano: number; leasedNano: number },
  pattern: DailyPattern,
  nowMs: number,
): SubjectEvaluation {
  const limitNano = usdToNano(budget.limit_usd);
  const softNano = usdToNano(budget.soft_limit_usd ?? budget.limit_usd);
  const f = forecastSpend(spent.spentNano, period, nowMs, pattern);
  return {
    budget,
    subject,
    period,
    ...spent,
    remainingNano: Math.max(0, limitNano - spent.spentNano),
    burnRatePerHourNano: f.burnRatePerHourNano,
    forecastNano: f.forecastNano,
    status: statusLevel(spent.spentNano, f.forecastNano, limitNano, softNano, budget.thresholds),
  };
}

/**
 * Events the evaluation raises that `already` (event ids stored for this period) does not hold:
 * each threshold reached, and the forecast past the hard limit while spend is still under it.
 * Ids are deterministic, so a re-evaluation or a second policy process raises nothing new.
 */
export function newEvents(e: SubjectEvaluation, already: ReadonlySet<string>): BudgetEvent[] {
  const softNano = usdToNano(e.budget.soft_limit_usd ?? e.budget.limit_usd);
  const limitNano = usdToNano(e.budget.limit_usd);
  const out: BudgetEvent[] = [];
  for (const t of e.budget.thresholds)
    if (e.spentNano >= t * softNano) out.push({ eventId: eventId(e, 'threshold', t), kind: 'threshold', threshold: t, evaluation: e });
  if (e.forecastNano > limitNano && e.spentNano < limitNano)
    out.push({ eventId: eventId(e, 'forecast_exceeds', 0), kind: 'forecast_exceeds', threshold: 0, evaluation: e });
  return out.filter((ev) => !already.has(ev.eventId));
}

function eventId(e: SubjectEvaluation, kind: string, threshold: number): string {
  const h = createHash('sha256').update(`${e.budget.id}|${e.subject}|${e.period.startMs}|${kind}|${threshold}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
