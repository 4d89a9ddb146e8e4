import { parseArgs } from 'node:util';
import { AlertService } from '../policy/alerts/alert-service.ts';
import type { AlertInstance } from '../policy/alerts/detect/evaluate-rule.ts';
import { AlertNotifier } from '../policy/alerts/notify/alert-notifier.ts';
import type { Deliverer } from '../policy/alerts/notify/http-deliverer.ts';
import type { Notification } from '../policy/alerts/notify/notice.ts';
import { Secret } from '../policy/alerts/notify/receiver-secrets.ts';
import { parseAlertsConfig } from '../policy/alerts/rules/alerts-config.ts';
import { defaultRules } from '../policy/alerts/rules/default-rules.ts';
import { MemoryWindowSource } from '../policy/alerts/source/memory-window-source.ts';
import { MemoryAlertEventStore } from '../policy/alerts/store/alert-event-store.ts';
import { MemoryNotificationStore } from '../policy/alerts/store/memory-notification-store.ts';
import { MemoryMuteStore } from '../policy/alerts/store/mute-store.ts';
import { DAY_MS, simulateMonth, type InjectedAnomaly } from './alerts-bench-traffic.ts';

// Detection quality of the built-in detectors and the noise of their notifications over a
// simulated month, on a simulated clock: the same evaluator, rules, grouping and notification
// log as production, fed from in-memory per-minute rollups. Prints one JSON object.

const { values } = parseArgs({
  options: { days: { type: 'string', default: '30' }, seed: { type: 'string', default: '42' }, json: { type: 'boolean', default: false } },
});
const DAYS = Number(values.days);
const START = Date.UTC(2026, 10, 2); // a Monday
/** Evaluation starts once the longest baseline (7 days + the 1-day window) is available. */
const WARMUP_DAYS = 8;
/** An alert firing this long after an anomaly ended still counts as caused by it. */
const GRACE_MS = 30 * 60_000;

const { buckets, anomalies } = simulateMonth(START, DAYS, Number(values.seed));
const source = new MemoryWindowSource(buckets);
const config = parseAlertsConfig({});
const sent: Notification[] = [];
const deliverer: Deliverer = {
  deliver: async (n) => (sent.push(n), { delivered: true, tries: 1, last: { kind: 'delivered', status: 200, latencyMs: 0 }, gaveUp: null }),
};
const receiver = { name: 'bench', type: 'slack' as const, url: new Secret('http://bench.invalid/'), signingSecret: null, sendResolved: true, urlId: 'bench' };
let now = START;
const clock = { now: () => now };
const notifier = new AlertNotifier({
  route: { ...config.route, receivers: ['bench'] },
  receivers: [receiver],
  ruleReceivers: () => undefined,
  store: new MemoryNotificationStore(),
  mutes: new MemoryMuteStore(),
  deliverer,
  log: () => {},
});
const rules = defaultRules();
const service = new AlertService({
  rules: async () => rules,
  source,
  events: new MemoryAlertEventStore(),
  notifier,
  clock,
  evaluationIntervalMs: 60_000,
  log: (m) => console.error(m),
});

/** Firing episodes: rule, group and the evaluation at which each started firing. */
const episodes: Array<{ rule: string; group: Record<string, string>; firedAt: number }> = [];
const firing = new Set<string>();
const started = performance.now();
for (now = START + WARMUP_DAYS * DAY_MS; now < START + DAYS * DAY_MS; now += 60_000) {
  const states: AlertInstance[] = await service.evaluate(now);
  for (const a of states) {
    if (a.state.state === 'firing' && !firing.has(a.fingerprint)) episodes.push({ rule: a.rule, group: a.group, firedAt: now });
    if (a.state.state === 'firing') firing.add(a.fingerprint);
    else firing.delete(a.fingerprint);
  }
  await service.flush(now + 30_000);
}
const evaluationSeconds = (performance.now() - started) / 1000;

const causedBy = (firedAt: number) => anomalies.find((a) => firedAt >= a.startMs && firedAt <= a.endMs + GRACE_MS);
const report = anomalies.map((a: InjectedAnomaly) => {
  const hit = episodes.find((e) => e.rule === a.detector && causedBy(e.firedAt) === a);
  const any = episodes.filter((e) => causedBy(e.firedAt) === a);
  return {
    name: a.name,
    detector: a.detector,
    detected: hit !== undefined,
    detection_delay_s: hit ? (hit.firedAt - a.startMs) / 1000 : null,
    alerts: any.map((e) => `${e.rule}{${Object.values(e.group).join(',')}}`),
  };
});
const falseAlerts = episodes.filter((e) => !causedBy(e.firedAt));
const weeks = (DAYS - WARMUP_DAYS) / 7;
const firingNotices = sent.filter((n) => n.firing.length > 0);
const result = {
  bench: 'alerts',
  simulated_days: DAYS,
  evaluated_days: DAYS - WARMUP_DAYS,
  anomalies: report,
  false_alerts_per_week: round(falseAlerts.length / weeks),
  false_alerts: falseAlerts.map((e) => ({ rule: e.rule, group: e.group, at: new Date(e.firedAt).toISOString() })),
  precision: round(episodes.length ? (episodes.length - falseAlerts.length) / episodes.length : 1),
  recall: round(report.filter((r) => r.detected).length / report.length),
  incidents: anomalies.length,
  notifications_sent: sent.length,
  firing_notifications: firingNotices.length,
  resolved_notifications: sent.length - firingNotices.length,
  notifications_per_incident: round(firingNotices.filter((n) => causedBy(n.createdAt - 30_000)).length / anomalies.length),
  evaluation_seconds: round(evaluationSeconds),
};
console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
