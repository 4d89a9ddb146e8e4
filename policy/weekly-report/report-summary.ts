import { groupName } from '../../core/events/attempt-event.ts';
import { change, share, usd } from './report-format.ts';
import type { WeeklyReport } from './weekly-report.ts';

/** The few lines a chat message carries: spend, traffic, reliability, parity, alerts, changes. */
export function summaryLines(r: WeeklyReport): string[] {
  const requests = r.performance.reduce((n, p) => n + p.requests, 0);
  const fallbacks = r.fallbacks.reduce((n, f) => n + f.fallbacks, 0);
  const checked = r.parity.deployments.reduce((n, d) => n + d.checked, 0);
  const kept = r.parity.deployments.reduce((n, d) => n + d.ok, 0);
  const top = r.cost.byTeam[0];
  return [
    `Spend ${usd(r.cost.totalUsd)} (${change(r.cost.change)} on ${r.previousWeek})${top ? `; top team ${groupName(top.key)} ${usd(top.costUsd)}` : ''}`,
    `${requests} requests, fallback rate ${share(requests ? fallbacks / requests : null)}`,
    `Parity ${share(checked ? kept / checked : null)} of ${checked} answers with a contract kept it`,
    `${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'} fired, ${r.changes.length} change${r.changes.length === 1 ? '' : 's'} to what serves traffic`,
  ];
}
