import type { Reconciliation } from '../ingest/reconcile-day.ts';

/**
 * Turns `--day` (YYYY-MM-DD, `yesterday`, `today`) into a UTC day at `now`, with a warning when
 * the day is not closed yet (late events may still arrive, so a difference proves nothing).
 */
export function resolveDay(input: string, now: Date): { day: string; warning: string | null } {
  const today = now.toISOString().slice(0, 10);
  const day = input === 'today' ? today : input === 'yesterday' ? new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10) : input;
  if (day > today) return { day, warning: `${day} is in the future (UTC today is ${today}); nothing can be stored for it yet` };
  if (day === today) return { day, warning: `${day} is today (UTC) and not closed: events still arrive, so the rollups can legitimately trail raw` };
  return { day, warning: null };
}

/**
 * One line per rollup: which measures agree with raw. A rollup that does not count requests
 * (its `requests` is null, or it is listed in `requestsNotTracked`) says so instead of showing a
 * 0 that looks like agreement.
 */
export function verdictLines(report: Reconciliation): string[] {
  const lines = [`raw ${report.day}: ${report.raw.attempts} attempts, ${report.raw.requests} requests, $${report.raw.costUsd}`];
  for (const [table, t] of Object.entries(report.rollups)) {
    const checks = [
      t.attempts === report.raw.attempts ? 'attempts ok' : `attempts ${t.attempts} ≠ ${report.raw.attempts}`,
      requestsTracked(report, table) ? (t.requests === report.raw.requests ? 'requests ok' : `requests ${t.requests} ≠ ${report.raw.requests}`) : 'requests not tracked',
      t.costUsd === report.raw.costUsd ? 'cost ok' : `cost ${t.costUsd} ≠ ${report.raw.costUsd}`,
    ];
    lines.push(`  ${table}: ${checks.join(', ')}`);
  }
  lines.push(report.ok ? 'reconciled: every rollup agrees with raw' : 'MISMATCH: see the tables above');
  return lines;
}

function requestsTracked(report: Reconciliation, table: string): boolean {
  const t = report.rollups[table] as { requests: number | null } | undefined;
  const untracked = (report as { requestsNotTracked?: readonly string[] }).requestsNotTracked;
  return t?.requests !== null && !untracked?.includes(table);
}
