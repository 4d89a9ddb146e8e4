import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { systemClock } from '../../core/clock.ts';
import type { AlertInstance } from '../../policy/alerts/detect/evaluate-rule.ts';
import type { Evidence } from '../../policy/alerts/detect/evidence.ts';
import { AlertNotifier, type FlushOutcome } from '../../policy/alerts/notify/alert-notifier.ts';
import { HttpDeliverer } from '../../policy/alerts/notify/http-deliverer.ts';
import { resolveReceivers } from '../../policy/alerts/notify/receiver-secrets.ts';
import { parseAlertsConfig } from '../../policy/alerts/rules/alerts-config.ts';
import { ClickHouseMuteStore } from '../../policy/alerts/store/clickhouse-mute-store.ts';
import { ClickHouseNotificationStore } from '../../policy/alerts/store/clickhouse-notification-store.ts';

export const SLACK_SECRET_PATH = 'T0TEST/B0TEST/sEcReTsLaCkPaTh42';
export const SIGNING_SECRET = `whsec_${Buffer.from('a-signing-secret-of-32-bytes!!!!').toString('base64')}`;

/** A notifier on real ClickHouse stores and real HTTP, with route timings and receivers under test. */
export function buildNotifier(
  ch: ClickHouseClient,
  env: Record<string, string>,
  section: unknown,
  log: (m: string) => void,
  retry?: { maxTries?: number; timeoutMs?: number },
) {
  const config = parseAlertsConfig(section);
  const receivers = resolveReceivers(config.receivers, env, (s) => createHash('sha256').update(s).digest('hex'));
  const store = new ClickHouseNotificationStore(ch);
  const mutes = new ClickHouseMuteStore(ch);
  const outcomes: FlushOutcome[] = [];
  const deliverer = new HttpDeliverer({
    store,
    receivers,
    dashboardUrl: config.dashboard_url,
    clock: systemClock,
    log,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    retry: { maxTries: retry?.maxTries ?? 4, baseDelayMs: 50, maxDelayMs: 200, maxRetryAfterMs: 5_000, deadlineMs: 10_000 },
    timeoutMs: retry?.timeoutMs ?? 2_000,
  });
  const notifier = new AlertNotifier({
    route: config.route,
    receivers,
    ruleReceivers: (rule) => config.rules.find((r) => r.name === rule)?.notify,
    store,
    mutes,
    deliverer,
    log,
    onOutcome: (o) => void outcomes.push(o),
  });
  return { notifier, store, mutes, outcomes, receivers, config };
}

const evidence = (value: number): Evidence => ({
  value,
  volume: 100,
  threshold: 10,
  baseline: 5,
  spread: 1,
  peerFence: null,
  ratio: value / 10,
  sufficient: true,
  series: [5, 5, 5],
});

/** An alert instance as the evaluator would hand it over. */
export function alertInstance(
  fp: string,
  rule: string,
  group: Record<string, string>,
  state: 'firing' | 'resolved',
  at: number,
  activeSince = at,
): AlertInstance {
  return {
    fingerprint: fp,
    rule,
    severity: 'warning',
    group,
    state: { state, since: at, activeSince: state === 'firing' ? activeSince : null, evaluatedAt: at, evidence: evidence(state === 'firing' ? 20 : 4) },
  };
}
