import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, tablePanel, timeSeriesPanel } from './board-kit.ts';

/** Alerts firing and recent (alert_events_v1) and how their notifications were delivered (alert_deliveries_v1). */
export function alertsBoard(): DashboardBuilder {
  return board('switchyard-alerts', 'Switchyard · Alerts', 'What is firing, what fired recently, and whether the notifications got through.', 'now-24h', [])
    .withPanel(
      tablePanel(
        'Firing and pending now',
        'Each alert (rule × group) whose newest evaluation in the range is firing or pending, with its evidence.',
        `SELECT rule, severity, toString(group_labels) AS labels, argMax(state, evaluated_at) AS current_state,
           argMax(since, evaluated_at) AS state_since, round(argMax(value, evaluated_at), 4) AS last_value,
           round(argMax(threshold, evaluated_at), 4) AS last_threshold, round(argMax(ratio, evaluated_at), 3) AS last_ratio
         FROM alert_events_v1 WHERE $__timeFilter(evaluated_at)
         GROUP BY rule, severity, fingerprint, group_labels HAVING current_state IN ('firing', 'pending')
         ORDER BY severity = 'critical' DESC, state_since`,
      ),
    )
    .withPanel(
      timeSeriesPanel(
        'Alerts firing by severity',
        'Distinct alerts evaluated as firing per interval.',
        `SELECT $__timeInterval(evaluated_at) AS time, severity, uniqExactIf(fingerprint, state = 'firing') AS firing_alerts
         FROM alert_events_v1 WHERE $__timeFilter(evaluated_at) GROUP BY time, severity ORDER BY time`,
        'short',
        true,
      ),
    )
    .withPanel(
      tablePanel(
        'Recent alerts',
        'Alerts that fired in the range: first and last firing evaluation and the peak value ÷ threshold.',
        `SELECT rule, severity, toString(group_labels) AS labels, minIf(evaluated_at, state = 'firing') AS first_firing,
           maxIf(evaluated_at, state = 'firing') AS last_firing, round(max(ratio), 3) AS peak_ratio, argMax(state, evaluated_at) AS latest_state
         FROM alert_events_v1 WHERE $__timeFilter(evaluated_at) GROUP BY rule, severity, fingerprint, group_labels
         HAVING countIf(state = 'firing') > 0 ORDER BY last_firing DESC LIMIT 50`,
      ),
    )
    .withRow(new RowBuilder('Deliveries'))
    .withPanel(
      timeSeriesPanel(
        'Delivery tries by outcome',
        'Every HTTP try to Slack and webhook receivers: delivered, rate_limited (429), retryable (5xx, network), rejected (other 4xx).',
        `SELECT $__timeInterval(tried_at) AS time, outcome, count() AS tries FROM alert_deliveries_v1 WHERE $__timeFilter(tried_at) GROUP BY time, outcome ORDER BY time`,
        'short',
        true,
      ),
    )
    .withPanel(
      timeSeriesPanel(
        'Delivery latency p95 by receiver',
        'p95 of request start to answer, ms.',
        `SELECT $__timeInterval(tried_at) AS time, receiver, quantile(0.95)(latency_ms) AS p95_ms FROM alert_deliveries_v1 WHERE $__timeFilter(tried_at) GROUP BY time, receiver ORDER BY time`,
        'ms',
      ),
    )
    .withPanel(
      tablePanel(
        'Dead letters',
        'Notifications not delivered within their bounds and not yet resent; resend them through the API.',
        `SELECT dead_at, receiver, group_key, reason, tries FROM alert_dead_letters_v1 FINAL
         WHERE $__timeFilter(dead_at) AND resent_at IS NULL ORDER BY dead_at DESC LIMIT 100`,
      ),
    );
}
