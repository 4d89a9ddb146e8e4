import type { DeploymentAuditEntry } from '../../collector/audit/deployment-audit-query.ts';
import type { ParityRates } from '../../collector/parity/parity-rates-query.ts';

/** p50/p95/p99, ms (TDigest estimates from the rollup). */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface RoutePerformance {
  route: string;
  requests: number;
  served: number;
  latencyMs: Percentiles | null;
  ttftMs: Percentiles | null;
  /** Served requests within the route's SLO (the routes file's `slo`, else the report default). */
  goodput: { slo: string; met: number; share: number | null };
}

/** Spend of one key this week and the week before, exact USD text; change as a fraction (0.1 = +10 %), null from zero. */
export interface CostRow {
  key: string;
  costUsd: string;
  previousUsd: string;
  change: number | null;
}

export interface RouteFallbacks {
  route: string;
  requests: number;
  /** Attempts made because an earlier one failed (or hedged, or a budget moved it). */
  fallbacks: number;
  /** fallbacks / requests. */
  rate: number | null;
  reasons: Record<string, number>;
}

export interface BudgetLine {
  budgetId: string;
  subject: string;
  period: string;
  limitUsd: string;
  spentUsd: string;
  forecastUsd: string;
  status: string;
}

export interface FiredAlert {
  rule: string;
  severity: string;
  labels: Record<string, string>;
  firedAtMs: number;
  /** null: still firing at the end of the week. */
  resolvedAtMs: number | null;
  /** Firing time inside the week, ms. */
  durationMs: number;
}

/** Everything the weekly report shows, gathered from the rollups and audit tables for one ISO week. */
export interface WeeklyReport {
  week: string;
  fromMs: number;
  toMs: number;
  previousWeek: string;
  generatedAtMs: number;
  performance: RoutePerformance[];
  cost: {
    totalUsd: string;
    previousTotalUsd: string;
    change: number | null;
    byTeam: CostRow[];
    byProject: CostRow[];
    byModel: CostRow[];
    byProvider: CostRow[];
  };
  fallbacks: RouteFallbacks[];
  parity: ParityRates;
  /** null when the budgets tables do not exist in this store. */
  budgets: BudgetLine[] | null;
  alerts: FiredAlert[];
  changes: DeploymentAuditEntry[];
}

/** (current − previous) / previous, or null when there was nothing the week before. */
export function weekOverWeek(current: number, previous: number): number | null {
  return previous > 0 ? (current - previous) / previous : null;
}
