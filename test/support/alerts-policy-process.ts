// One life of the policy process's alerting, for the restart test: open the store, restore,
// evaluate once at --at, flush at --at + 30 s, exit. Args: <chdb path> <at ms> ; env: SLACK_URL.
import { createHash } from 'node:crypto';
import { createClickHouse } from '../../core/clickhouse/client.ts';
import { systemClock } from '../../core/clock.ts';
import { AlertService } from '../../policy/alerts/alert-service.ts';
import { AlertNotifier } from '../../policy/alerts/notify/alert-notifier.ts';
import { HttpDeliverer } from '../../policy/alerts/notify/http-deliverer.ts';
import { resolveReceivers } from '../../policy/alerts/notify/receiver-secrets.ts';
import { parseAlertsConfig } from '../../policy/alerts/rules/alerts-config.ts';
import { MemoryWindowSource } from '../../policy/alerts/source/memory-window-source.ts';
import { ClickHouseAlertEventStore } from '../../policy/alerts/store/clickhouse-alert-event-store.ts';
import { ClickHouseMuteStore } from '../../policy/alerts/store/clickhouse-mute-store.ts';
import { ClickHouseNotificationStore } from '../../policy/alerts/store/clickhouse-notification-store.ts';

const [path, atText] = process.argv.slice(2);
const at = Number(atText);
const config = parseAlertsConfig({
  receivers: [{ name: 'oncall', type: 'slack', url_env: 'SLACK_URL' }],
  route: { receivers: ['oncall'], group_by: ['alertname', 'team'], group_wait: '30s', group_interval: '5m', repeat_interval: '1h' },
  rules: [{ name: 'team-spend', metric: 'spend_usd', window: '5m', group_by: ['team'], condition: { type: 'static', threshold: 10 } }],
});
// Search spends 5 USD a minute for three hours from --at minus an hour: above 10 per 5 minutes throughout.
const start = Math.floor(at / 60_000) * 60_000 - 3_600_000;
const buckets = Array.from({ length: 240 }, (_, i) => ({
  minuteMs: start + i * 60_000,
  dims: { team: 'search' },
  requests: 10,
  attempts: 10,
  errors: 0,
  fallbacks: 0,
  rate_limited: 0,
  final_failures: 0,
  spend_usd: 5,
  tokens: 1000,
  p95_latency_ms: 100,
  p99_latency_ms: 200,
  p95_ttft_ms: 50,
  p99_ttft_ms: 80,
}));
const ch = createClickHouse({ kind: 'embedded', path: path! });
const log = (m: string) => process.stderr.write(`${m}\n`);
const receivers = resolveReceivers(config.receivers, process.env, (s) => createHash('sha256').update(s).digest('hex'));
const store = new ClickHouseNotificationStore(ch);
const deliverer = new HttpDeliverer({
  store,
  receivers,
  dashboardUrl: config.dashboard_url,
  clock: systemClock,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  log,
});
const notifier = new AlertNotifier({
  route: config.route,
  receivers,
  ruleReceivers: () => undefined,
  store,
  mutes: new ClickHouseMuteStore(ch),
  deliverer,
  log,
});
const clock = { now: () => at };
const service = new AlertService({
  rules: async () => config.rules,
  source: new MemoryWindowSource(buckets),
  events: new ClickHouseAlertEventStore(ch, 8 * 86_400_000, clock.now),
  notifier,
  clock,
  evaluationIntervalMs: 60_000,
  log,
});
await service.restore();
const states = await service.evaluate(at);
const sent = await service.flush(at + 30_000);
process.stdout.write(`${JSON.stringify({ states: states.map((s) => s.state.state), sent: sent.map((n) => n.reason) })}\n`);
await ch.close();
