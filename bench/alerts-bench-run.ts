import { AlertService } from '../policy/alerts/alert-service.ts';
import type { AlertInstance } from '../policy/alerts/detect/evaluate-rule.ts';
import type { Evidence } from '../policy/alerts/detect/evidence.ts';
import type { Notification } from '../policy/alerts/notify/notice.ts';
import { recordingNotifier } from '../policy/alerts/notify/recording-notifier.ts';
import { alertMetrics } from '../policy/alerts/rules/alert-metrics.ts';
import { parseAlertsConfig } from '../policy/alerts/rules/alerts-config.ts';
import { defaultRules } from '../policy/alerts/rules/default-rules.ts';
import { MemoryWindowSource } from '../policy/alerts/source/memory-window-source.ts';
import { MemoryAlertEventStore } from '../policy/alerts/store/alert-event-store.ts';
import { DAY_MS, simulateMonth, type InjectedAnomaly } from './alerts-bench-traffic.ts';

/** Evaluation starts once the longest baseline (7 days + the 1-day window) is available. */
export const WARMUP_DAYS = 8;
/** An alert firing this long after an anomaly ended still counts as caused by it. */
const GRACE_MS = 30 * 60_000;

interface Episode {
  fingerprint: string;
  rule: string;
  group: Record<string, string>;
  firedAt: number;
  evidence: Evidence | null;
}

/**
 * One simulated month on a simulated clock: the production evaluator, the built-in detectors that
 * read the traffic rollups (budget and routing detectors have no source in this simulation),
 * grouping and the notification log, fed from in-memory per-minute rollups. Returns the seed's
 * detection quality and notification counts.
 */
export async function runSeed(seed: number, days: number, startMs: number) {
  const { buckets, anomalies } = simulateMonth(startMs, days, seed);
  const config = parseAlertsConfig({});
  const { notifier, sent } = recordingNotifier(config.route);
  let now = startMs;
  const rules = defaultRules().filter((r) => alertMetrics[r.metric].source === 'rollup');
  const service = new AlertService({
    rules: async () => rules,
    source: new MemoryWindowSource(buckets),
    events: new MemoryAlertEventStore(),
    notifier,
    clock: { now: () => now },
    evaluationIntervalMs: 60_000,
    log: (m) => console.error(m),
  });
  const episodes: Episode[] = [];
  const firing = new Set<string>();
  for (now = startMs + WARMUP_DAYS * DAY_MS; now < startMs + days * DAY_MS; now += 60_000) {
    const states: AlertInstance[] = await service.evaluate(now);
    for (const a of states) {
      if (a.state.state === 'firing' && !firing.has(a.fingerprint))
        episodes.push({ fingerprint: a.fingerprint, rule: a.rule, group: a.group, firedAt: now, evidence: a.state.evidence });
      if (a.state.state === 'firing') firing.add(a.fingerprint);
      else firing.delete(a.fingerprint);
    }
    await service.flush(now + 30_000);
  }
  return score(anomalies, episodes, sent, days);
}

function score(anomalies: readonly InjectedAnomaly[], episodes: readonly Episode[], sent: readonly Notification[], days: number) {
  const causedBy = (at: number) => anomalies.find((a) => at >= a.startMs && at <= a.endMs + GRACE_MS);
  // A message belongs to the incident its alerts' episodes were caused by — what a human reading
  // it would say it is about — whenever it is sent (an all clear may come after the grace).
  const incidentOf = (n: Notification) => {
    for (const alert of [...n.firing, ...n.resolved]) {
      const episode = episodes.filter((e) => e.fingerprint === alert.fingerprint && e.firedAt <= n.createdAt).at(-1);
      const incident = episode && causedBy(episode.firedAt);
      if (incident) return incident;
    }
    return undefined;
  };
  const messages = new Map(anomalies.map((a) => [a, [] as Notification[]]));
  let falseAlertMessages = 0;
  for (const n of sent) {
    const incident = incidentOf(n);
    if (incident) messages.get(incident)!.push(n);
    else falseAlertMessages++;
  }
  const report = anomalies.map((a) => {
    const hit = episodes.find((e) => e.rule === a.detector && causedBy(e.firedAt) === a);
    return {
      name: a.name,
      detector: a.detector,
      detected: hit !== undefined,
      detection_delay_s: hit ? (hit.firedAt - a.startMs) / 1000 : null,
      alerts: episodes.filter((e) => causedBy(e.firedAt) === a).map((e) => `${e.rule}{${Object.values(e.group).join(',')}}`),
      // Every message about it: the goal is one that raises it (and one all clear).
      messages: messages.get(a)!.map((n) => `${n.reason}:${n.firing.length} firing/${n.resolved.length} resolved`),
    };
  });
  const falseAlerts = episodes.filter((e) => !causedBy(e.firedAt));
  const weeks = (days - WARMUP_DAYS) / 7;
  const alerting = anomalies.map((a) => messages.get(a)!.filter((n) => n.firing.length > 0).length);
  return {
    anomalies: report,
    false_alerts_per_week: round(falseAlerts.length / weeks),
    false_alerts: falseAlerts.map((e) => ({ rule: e.rule, group: e.group, at: new Date(e.firedAt).toISOString(), evidence: brief(e.evidence) })),
    precision: round(episodes.length ? (episodes.length - falseAlerts.length) / episodes.length : 1),
    recall: round(report.filter((r) => r.detected).length / report.length),
    incidents: anomalies.length,
    notifications_sent: sent.length,
    // Messages saying something fires (new, changed, repeat, a partial resolve) per incident: goal 1.
    alerting_messages_per_incident: round(alerting.reduce((x, y) => x + y, 0) / anomalies.length),
    max_alerting_messages_one_incident: Math.max(...alerting),
    // Every message a human gets per incident, the all clear included: goal 2.
    messages_per_incident: round([...messages.values()].reduce((x, m) => x + m.length, 0) / anomalies.length),
    false_alert_messages: falseAlertMessages,
  };
}

/** The evidence of a false alert, rounded: enough to see why it fired. */
function brief(e: Evidence | null) {
  if (!e) return null;
  return {
    value: round(e.value),
    threshold: round(e.threshold),
    baseline: e.baseline === null ? null : round(e.baseline),
    volume: e.volume,
    level: e.level ?? null,
  };
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
