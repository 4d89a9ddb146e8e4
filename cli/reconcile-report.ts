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
 * Per rollup: the columns compared with raw and whether they agree, each difference on its own
 * line, and the raw totals the rollup has no column for ("not checked"), so a measure it does not
 * track never reads as agreement.
 */
export function verdictLines(report: Reconciliation): string[] {
  const r = report.raw;
  const lines = [`raw ${report.day}: ${r.attempts} attempts, ${r.requests} requests (${r.requestsServed} served), $${r.costUsd} (list $${r.listCostUsd})`];
  for (const [table, t] of Object.entries(report.rollups)) {
    lines.push(`  ${table}: ${t.ok ? 'ok' : 'MISMATCH'} on ${t.checked.join(', ')}`);
    for (const m of t.mismatches) lines.push(`    ${m}`);
    if (t.unchecked.length > 0) lines.push(`    not checked (no column): ${t.unchecked.join(', ')}`);
  }
  lines.push(report.ok ? 'reconciled: every rollup agrees with raw' : 'MISMATCH: see the tables above');
  return lines;
}
