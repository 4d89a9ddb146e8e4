import { alertMetrics } from '../rules/alert-metrics.ts';
import type { AlertRule } from '../rules/alert-rule-schema.ts';
import { nextAlertState, type AlertState } from './alert-state.ts';
import { evaluateCondition } from './condition.ts';
import { summarizeBaseline } from './robust-stats.ts';
import type { GroupWindows } from './evidence.ts';
import { alertFingerprint } from './fingerprint.ts';
import { withSeasonalLevel } from './seasonal-level.ts';

/** One alert: a rule applied to one group, with its state. `labels` = alertname, severity and the group's values. */
export interface AlertInstance {
  fingerprint: string;
  rule: string;
  severity: AlertRule['severity'];
  /** The rule's group_by values. */
  group: Record<string, string>;
  state: AlertState;
  /** The rule's notify_once: notified when it fires, never repeated, no resolved notice. */
  notifyOnce?: boolean;
}

/**
 * Applies a rule to every group the source returned plus every group it had an alert for.
 * Additive metrics read a missing window as zero (no spend is a value); ratios and quantiles
 * read it as no data. Returns the instances that are not ok or that just became ok.
 */
export function evaluateRule(rule: AlertRule, groups: readonly GroupWindows[], previous: readonly AlertInstance[], now: number): AlertInstance[] {
  const additive = alertMetrics[rule.metric].kind === 'additive';
  const c = rule.condition;
  if (c.type === 'anomaly') groups = groups.map((g) => withSeasonalLevel(c, g));
  const byFingerprint = new Map<string, GroupWindows>();
  for (const g of groups) byFingerprint.set(alertFingerprint(rule.name, g.labels), g);
  for (const p of previous) {
    if (!byFingerprint.has(p.fingerprint)) byFingerprint.set(p.fingerprint, { labels: p.group, current: null, baseline: [] });
  }
  const prevByFingerprint = new Map(previous.map((p) => [p.fingerprint, p.state]));
  const peersOf = peerValues(rule, groups);
  const out: AlertInstance[] = [];
  for (const [fingerprint, g] of byFingerprint) {
    const current = g.current ?? (additive ? { value: 0, volume: 0 } : null);
    const evidence = current ? evaluateCondition(rule, { ...g, current }, peersOf(g)) : null;
    const prev = prevByFingerprint.get(fingerprint);
    const state = nextAlertState(prev, evidence, rule.pending, now, rule.keep_firing_for);
    if (state.state === 'ok' && (prev === undefined || prev.state === 'ok')) continue;
    out.push({ fingerprint, rule: rule.name, severity: rule.severity, group: g.labels, state, ...(rule.notify_once ? { notifyOnce: true } : {}) });
  }
  return out;
}

/** For peer rules: the growth (current / own baseline centre) of the other groups sharing the peer label. */
function peerValues(rule: AlertRule, groups: readonly GroupWindows[]): (g: GroupWindows) => number[] {
  const c = rule.condition;
  if (c.type !== 'anomaly' || !c.peers) return () => [];
  const by = c.peers.by;
  const growth = new Map<GroupWindows, number>();
  for (const g of groups) {
    const known = g.baseline.filter((v): v is number => v !== null);
    const centre = summarizeBaseline(known, c.statistic)?.centre ?? 0;
    if (g.current && centre > 0) growth.set(g, g.current.value / centre);
  }
  return (g) => groups.filter((o) => o !== g && o.labels[by] === g.labels[by] && growth.has(o)).map((o) => growth.get(o)!);
}
