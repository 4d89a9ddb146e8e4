import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, filters, tablePanel, timeSeriesPanel } from './board-kit.ts';

const where = `$__timeFilter(computed_at) AND ${filters(['route'])}`;
const from = 'routing_decisions_v1';

/** Weights, shares and CRAFT scores the policy engine published, and the operator overrides behind them. */
export function routingBoard(): DashboardBuilder {
  const perDeployment = (title: string, description: string, column: string, unit: string) =>
    timeSeriesPanel(
      title,
      description,
      `SELECT $__timeInterval(computed_at) AS time, concat(route, ' / ', deployment) AS deployment_label, avg(${column}) AS value
       FROM ${from} WHERE ${where} GROUP BY time, deployment_label ORDER BY time`,
      unit,
    );
  return board(
    'switchyard-routing',
    'Switchyard · Routing',
    'Weights the policy engine publishes to the collectors, the CRAFT scores behind them, and operator overrides.',
    'now-6h',
    ['route'],
  )
    .withPanel(
      perDeployment(
        'Weight by deployment',
        "Multiplier in [0, 1] the collectors apply to each deployment's configured weight (0 = last resort only).",
        'weight',
        'percentunit',
      ),
    )
    .withPanel(
      perDeployment(
        'Share of first picks by deployment',
        "Expected share of the route's first picks after weights, overrides and the exploration floor.",
        'share',
        'percentunit',
      ),
    )
    .withPanel(
      perDeployment(
        'CRAFT composite by deployment',
        "Composite of Cost, Reliability, Availability, Flexibility and Trust with the route's factor weights (docs/policy.md).",
        'composite',
        'percentunit',
      ),
    )
    .withPanel(
      perDeployment(
        '429 share by deployment',
        'Rate-limited share of attempts in the live window (the 5-minute 20 % rule demotes).',
        'rate_limited_share',
        'percentunit',
      ),
    )
    .withRow(new RowBuilder('Now'))
    .withPanel(
      tablePanel(
        'Latest decision per deployment',
        'The newest evaluation in the range: weight, reason, the CRAFT factors and the sentence that explains it.',
        `SELECT route, deployment, argMax(weight, computed_at) AS weight_now, argMax(reason, computed_at) AS reason_now,
           round(argMax(composite, computed_at), 3) AS craft, round(argMax(cost, computed_at), 3) AS c, round(argMax(reliability, computed_at), 3) AS r,
           round(argMax(availability, computed_at), 3) AS a, round(argMax(flexibility, computed_at), 3) AS f, round(argMax(trust, computed_at), 3) AS t,
           argMax(detail, computed_at) AS why, max(computed_at) AS evaluated_at
         FROM ${from} WHERE ${where} GROUP BY route, deployment ORDER BY route, deployment`,
      ),
    )
    .withPanel(
      tablePanel(
        'Operator overrides',
        'Pins, drains and canary shares set in the range, with who, why, expiry and any early lift.',
        `SELECT route, deployment, argMax(action, updated_at) AS override_action, argMax(share, updated_at) AS canary_share,
           argMax(actor, updated_at) AS set_by, argMax(reason, updated_at) AS why, min(created_at) AS set_at,
           argMax(expires_at, updated_at) AS expires, argMax(revoked_at, updated_at) AS lifted_at
         FROM routing_overrides_v1 WHERE $__timeFilter(created_at) AND ${filters(['route'])}
         GROUP BY override_id, route, deployment ORDER BY set_at DESC`,
      ),
    );
}
