import { createHash } from 'node:crypto';
import type { Meter } from '@opentelemetry/api';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { sleepUnlessAborted, type Clock } from '../../core/clock.ts';
import { AlertService } from './alert-service.ts';
import { AlertNotifier } from './notify/alert-notifier.ts';
import { HttpDeliverer } from './notify/http-deliverer.ts';
import { resolveReceivers } from './notify/receiver-secrets.ts';
import { parseAlertsConfig } from './rules/alerts-config.ts';
import { defaultRules } from './rules/default-rules.ts';
import { clientRows } from '../row-reader.ts';
import { ClickHouseAlertEventStore } from './store/clickhouse-alert-event-store.ts';
import { ClickHouseMuteStore } from './store/clickhouse-mute-store.ts';
import { ClickHouseNotificationStore } from './store/clickhouse-notification-store.ts';
import { readStoredRules } from './store/rule-store.ts';
import { BudgetWindowSource } from './source/budget-window-source.ts';
import { MetricWindowSource } from './source/metric-window-source.ts';
import { ParityWindowSource } from './source/parity-window-source.ts';
import { RollupWindowSource } from './source/rollup-window-source.ts';
import { RoutingWindowSource } from './source/routing-window-source.ts';

export interface AlertingOptions {
  clickhouse: ClickHouseClient;
  /** The routes file's `alerts:` section as read (validated here); undefined: defaults. */
  section: unknown;
  /** Where receivers' url_env / secret_env are looked up. */
  env: Record<string, string | undefined>;
  meter: Meter;
  clock: Clock;
  log: (message: string) => void;
}

/**
 * Alerting's composition root inside the policy process: validates the section, reads the
 * receivers' secrets from the environment, builds the ClickHouse stores, the HTTP deliverer
 * and the notifier, and starts evaluation over the rollups. Throws ConfigError at startup for
 * a bad section or a missing variable.
 */
export async function startAlerting(o: AlertingOptions): Promise<{ service: AlertService; stop(): Promise<void> }> {
  const config = parseAlertsConfig(o.section, 'routes config alerts section');
  const receivers = resolveReceivers(config.receivers, o.env, (s) => createHash('sha256').update(s).digest('hex'));
  const store = new ClickHouseNotificationStore(o.clickhouse);
  const stopping = new AbortController();
  const notifications = o.meter.createCounter('switchyard.alerts.notifications', {
    description: 'Notification groups flushed, by outcome (delivered, dead_letter, silenced, unchanged, already_delivered) and receiver',
  });
  const evaluations = o.meter.createCounter('switchyard.alerts.evaluations', { description: 'Rule evaluations, by rule and result (ok, failed)' });
  const deliverer = new HttpDeliverer({
    store,
    receivers,
    dashboardUrl: config.dashboard_url,
    clock: o.clock,
    sleep: (ms) => sleepUnlessAborted(ms, stopping.signal),
    log: o.log,
  });
  const byName = new Map(config.rules.map((r) => [r.name, r]));
  const notifier = new AlertNotifier({
    route: config.route,
    receivers,
    ruleReceivers: (rule) => byName.get(rule)?.notify,
    store,
    mutes: new ClickHouseMuteStore(o.clickhouse),
    deliverer,
    log: o.log,
    onOutcome: (outcome, receiver) => notifications.add(1, { outcome, receiver }),
  });
  const builtIn = defaultRules(config.detectors);
  const rows = clientRows(o.clickhouse);
  const service = new AlertService({
    rules: async () => [
      ...builtIn,
      ...config.rules,
      ...(await readStoredRules(rows, (name, problem) => o.log(`alerts: stored rule ${name} skipped: ${problem}`))).map((s) => s.rule),
    ],
    source: alertSources(o.clickhouse),
    events: new ClickHouseAlertEventStore(o.clickhouse, 8 * 86_400_000, () => o.clock.now()),
    notifier,
    clock: o.clock,
    evaluationIntervalMs: config.evaluation_interval,
    log: o.log,
    onEvaluated: (rule, ok) => evaluations.add(1, { rule, result: ok ? 'ok' : 'failed' }),
  });
  await service.start();
  o.log(`alerts: ${builtIn.length + config.rules.length} rules, receivers ${receivers.map((r) => `${r.name} (${r.type})`).join(', ') || 'none'}`);
  return {
    service,
    stop: async () => {
      stopping.abort();
      await service.stop();
    },
  };
}

/** The production sources: every metric read from the table that holds it. */
export function alertSources(ch: ClickHouseClient): MetricWindowSource {
  return new MetricWindowSource({
    rollup: new RollupWindowSource(ch),
    parity: new ParityWindowSource(ch),
    budget: new BudgetWindowSource(ch),
    routing: new RoutingWindowSource(ch),
  });
}
