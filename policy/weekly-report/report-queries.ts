import { sumUsd } from '../../core/money/decimal-usd.ts';
import { goodput, type GoodputSlo } from '../goodput.ts';
import { chTime, type RowReader } from '../row-reader.ts';
import { weekOverWeek, type BudgetLine, type CostRow, type FiredAlert, type Percentiles, type RouteFallbacks, type RoutePerformance } from './weekly-report.ts';

/** Half-open [fromMs, toMs) as the DateTime (second) parameters of minute/day rollups. */
const range = (fromMs: number, toMs: number) => ({ from: chTime(fromMs).slice(0, 19), to: chTime(toMs).slice(0, 19) });

function percentiles(q: unknown): Percentiles | null {
  const [p50, p95, p99] = (q as number[] | undefined) ?? [];
  return p50 === undefined || !Number.isFinite(p50) ? null : { p50, p95: p95!, p99: p99! };
}

/** Requests, latency, TTFT and goodput per route from `attempts_per_minute_by_deployment_v2`. */
export async function routePerformance(rows: RowReader, fromMs: number, toMs: number, sloOf: (route: string) => GoodputSlo): Promise<RoutePerformance[]> {
  const data = await rows<{ route: string; requests: string; served: string; latency: number[]; ttft: number[]; buckets: Record<string, string> }>(
    `SELECT route, toString(sum(requests)) AS requests, toString(sum(requests_served)) AS served,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(ok_latency_ms_q) AS latency,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(ttft_ms_q) AS ttft,
       sumMap(served_by_latency_ttft) AS buckets
     FROM attempts_per_minute_by_deployment_v2
     WHERE minute >= {from:DateTime} AND minute < {to:DateTime}
     GROUP BY route ORDER BY route`,
    range(fromMs, toMs),
  );
  return data.map((r) => {
    const slo = sloOf(r.route);
    const g = goodput(Object.fromEntries(Object.entries(r.buckets).map(([k, v]) => [k, Number(v)])), slo, (toMs - fromMs) / 1000);
    return {
      route: r.route,
      requests: Number(r.requests),
      served: Number(r.served),
      latencyMs: Number(r.served) > 0 ? percentiles(r.latency) : null,
      ttftMs: percentiles(r.ttft),
      goodput: { slo: `latency ≤ ${slo.latencyMs} ms${slo.ttftMs === null ? '' : `, TTFT ≤ ${slo.ttftMs} ms`}`, met: g.met, share: g.share },
    };
  });
}

export const costDimensions = ['team', 'project', 'model', 'provider'] as const;

/** Spend per value of one chargeback key this week and the week before, from `chargeback_per_day_v2`, exact. */
export async function costBy(
  rows: RowReader,
  dimension: (typeof costDimensions)[number],
  week: { fromMs: number; toMs: number },
  previous: { fromMs: number; toMs: number },
): Promise<CostRow[]> {
  const data = await rows<{ key: string; cur: string; prev: string }>(
    `SELECT ${dimension} AS key,
       toString(sumIf(cost_usd, day >= {from:Date} AND day < {to:Date})) AS cur,
       toString(sumIf(cost_usd, day >= {pfrom:Date} AND day < {pto:Date})) AS prev
     FROM chargeback_per_day_v2
     WHERE day >= {pfrom:Date} AND day < {to:Date}
     GROUP BY key ORDER BY toDecimal128(cur, 12) DESC, key`,
    {
      from: chTime(week.fromMs).slice(0, 10),
      to: chTime(week.toMs).slice(0, 10),
      pfrom: chTime(previous.fromMs).slice(0, 10),
      pto: chTime(previous.toMs).slice(0, 10),
    },
  );
  return data.map((r) => ({ key: r.key, costUsd: sumUsd([r.cur]), previousUsd: sumUsd([r.prev]), change: weekOverWeek(Number(r.cur), Number(r.prev)) }));
}

/** Fallback rate and reasons per route from the per-minute rollup. */
export async function fallbacksByRoute(rows: RowReader, fromMs: number, toMs: number): Promise<RouteFallbacks[]> {
  const data = await rows<{ route: string; requests: string; reasons: Record<string, string> }>(
    `SELECT route, toString(sum(requests)) AS requests, sumMap(fallbacks_by_reason) AS reasons
     FROM attempts_per_minute_by_deployment_v2
     WHERE minute >= {from:DateTime} AND minute < {to:DateTime}
     GROUP BY route ORDER BY route`,
    range(fromMs, toMs),
  );
  return data.map((r) => {
    const reasons = Object.fromEntries(
      Object.entries(r.reasons)
        .map(([k, v]) => [k, Number(v)])
        .filter(([, v]) => Number(v) > 0),
    );
    const fallbacks = Object.values(reasons).reduce((a: number, b) => a + Number(b), 0);
    const requests = Number(r.requests);
    return { route: r.route, requests, fallbacks, rate: requests > 0 ? fallbacks / requests : null, reasons };
  });
}

async function tableExists(rows: RowReader, name: string): Promise<boolean> {
  const r = await rows<{ n: string }>(`SELECT toString(count()) AS n FROM system.tables WHERE database = currentDatabase() AND name = {name:String}`, { name });
  return Number(r[0]?.n ?? 0) > 0;
}

/** Each budget's last evaluation in the week, with its forecast; null when the budgets tables do not exist. */
export async function budgetLines(rows: RowReader, fromMs: number, toMs: number): Promise<BudgetLine[] | null> {
  if (!(await tableExists(rows, 'budget_status_v1'))) return null;
  const data = await rows<{ budget_id: string; subject: string; period: string; limit_usd: string; spent_usd: string; forecast_usd: string; status: string }>(
    `SELECT budget_id, subject, argMax(period, evaluated_at) AS period, toString(argMax(limit_usd, evaluated_at)) AS limit_usd,
       toString(argMax(spent_usd, evaluated_at)) AS spent_usd, toString(argMax(forecast_usd, evaluated_at)) AS forecast_usd, argMax(status, evaluated_at) AS status
     FROM budget_status_v1
     WHERE evaluated_at >= {from:DateTime} AND evaluated_at < {to:DateTime}
     GROUP BY budget_id, subject ORDER BY budget_id, subject`,
    range(fromMs, toMs),
  );
  return data.map((r) => ({
    budgetId: r.budget_id,
    subject: r.subject,
    period: r.period,
    limitUsd: r.limit_usd,
    spentUsd: r.spent_usd,
    forecastUsd: r.forecast_usd,
    status: r.status,
  }));
}

/**
 * Alerts that fired in the week: per alert (fingerprint), when it first fired in the week, when it
 * next resolved (null: still firing at the week's end, or at `asOfMs` for the week in progress),
 * and its firing time within the week up to `asOfMs` (default the week's end): a report of the
 * current week must not count the hours still to come.
 */
export async function firedAlerts(rows: RowReader, fromMs: number, toMs: number, asOfMs = toMs): Promise<FiredAlert[]> {
  if (!(await tableExists(rows, 'alert_events_v1'))) return [];
  const data = await rows<{ rule: string; severity: string; labels: Record<string, string>; fired_ms: string; resolved_ms: string }>(
    `SELECT rule, any(severity) AS severity, any(group_labels) AS labels,
       toString(toUnixTimestamp64Milli(minIf(ifNull(active_since, since), state = 'firing'))) AS fired_ms,
       toString(toUnixTimestamp64Milli(minIf(evaluated_at, state = 'resolved'))) AS resolved_ms
     FROM alert_events_v1
     WHERE evaluated_at >= {from:DateTime64(3, 'UTC')} AND evaluated_at < {to:DateTime64(3, 'UTC')}
     GROUP BY rule, fingerprint
     HAVING countIf(state = 'firing') > 0
     ORDER BY fired_ms, rule`,
    { from: chTime(fromMs), to: chTime(toMs) },
  );
  return data.map((r) => {
    const fired = Math.max(fromMs, Number(r.fired_ms));
    const resolved = Number(r.resolved_ms) > fired ? Number(r.resolved_ms) : null;
    return {
      rule: r.rule,
      severity: r.severity,
      labels: r.labels,
      firedAtMs: Number(r.fired_ms),
      resolvedAtMs: resolved,
      durationMs: Math.max(0, (resolved ?? Math.min(toMs, asOfMs)) - fired),
    };
  });
}
