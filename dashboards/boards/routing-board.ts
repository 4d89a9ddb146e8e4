import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, filters, tablePanel, timeSeriesPanel } from './board-kit.ts';

const where = `$__timeFilter(computed_at) AND ${filters(['route'])}`;

/** Routing weights the policy engine published, over time and as they stand now. */
export function routingBoard(): DashboardBuilder {
  return board('switchyard-routing', 'Switchyard · Routing', 'Weights the policy engine publishes to the collectors, and why.', 'now-6h', ['route'])
    .withPanel(
      timeSeriesPanel(
        'Weight by deployment',
        'Share multiplier in [0, 1] the collectors apply to each deployment\'s configured weight.',
        `SELECT $__timeInterval(computed_at) AS time, concat(route, ' / ', deployment) AS deployment, avg(weight) AS weight
         FROM routing_weights WHERE ${where} GROUP BY time, deployment ORDER BY time`,
        'percentunit',
      ),
    )
    .withPanel(
      tablePanel(
        'Latest weights',
        'The newest weight per route and deployment in the range, with its reason and evidence.',
        `SELECT route, deployment, argMax(weight, computed_at) AS weight, argMax(reason, computed_at) AS reason,
           argMax(success_rate, computed_at) AS success_rate, argMax(p95_ms, computed_at) AS p95_ms,
           argMax(attempts, computed_at) AS attempts, max(computed_at) AS updated_at
         FROM routing_weights WHERE ${where} GROUP BY route, deployment ORDER BY route, deployment`,
      ),
    );
}
