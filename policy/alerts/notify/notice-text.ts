import type { Notification, NoticeAlert } from './notice.ts';

/** `k=v, k=v` of the labels a reader needs (alertname and severity are said elsewhere). */
export function describeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .filter(([k, v]) => k !== 'alertname' && k !== 'severity' && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** One line of evidence: value against threshold and baseline. */
export function describeEvidence(a: NoticeAlert): string {
  const e = a.evidence;
  if (!e) return 'no data';
  const parts = [`value ${fmt(e.value)}`, `threshold ${fmt(e.threshold)}`];
  if (e.baseline !== null) parts.push(`baseline ${fmt(e.baseline)}`);
  if (e.peerFence !== null) parts.push(`peers' fence ${fmt(e.peerFence)}`);
  parts.push(`volume ${e.volume}`);
  if (e.detail) parts.push(e.detail);
  return parts.join(' · ');
}

/** A title such as `FIRING 2 · spend_spike · team=search`. */
export function noticeTitle(n: Notification): string {
  const status = n.firing.length > 0 ? `FIRING ${n.firing.length}` : 'RESOLVED';
  const names = [...new Set([...n.firing, ...n.resolved].map((a) => a.labels.alertname))].join(', ');
  const group = describeLabels(n.groupLabels);
  return [status, names, group].filter(Boolean).join(' · ');
}

/** Link to the dashboard filtered to the group and the alert's time span (Grafana `var-` and from/to). */
export function dashboardLink(base: string, n: Notification): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(n.groupLabels)) if (v && k !== 'alertname' && k !== 'severity') url.searchParams.set(`var-${k}`, v);
  const starts = Math.min(...[...n.firing, ...n.resolved].map((a) => a.startsAt));
  url.searchParams.set('from', String(starts - 3_600_000));
  url.searchParams.set('to', String(n.createdAt));
  return url.toString();
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
