import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, filters, statPanel, tablePanel, timeSeriesPanel } from './board-kit.ts';

const where = `$__timeFilter(hour) AND ${filters(['team', 'project', 'route', 'provider', 'model'])}`;
const from = 'chargeback_per_hour_v2';

/** Spend over time by who and what, top spenders, cache and negotiated savings (hourly chargeback rollup). */
export function spendBoard(): DashboardBuilder {
  const spendBy = (dim: string) =>
    timeSeriesPanel(
      `Spend by ${dim}`,
      `Effective cost in USD per interval, stacked by ${dim}.`,
      `SELECT $__timeInterval(hour) AS time, ${dim}, sum(cost_usd) AS spend_usd FROM ${from} WHERE ${where} GROUP BY time, ${dim} ORDER BY time`,
      'currencyUSD',
      true,
    );
  return board('switchyard-spend', 'Switchyard · Spend', 'What every team, project, feature and model spends, from the hourly chargeback rollup.', 'now-7d', [
    'team',
    'project',
    'route',
    'provider',
    'model',
  ])
    .withPanel(statPanel('Spend', 'Effective (billed) cost in the range, USD.', `SELECT sum(cost_usd) AS spend_usd FROM ${from} WHERE ${where}`, 'currencyUSD'))
    .withPanel(
      statPanel(
        'Requests served',
        'Requests whose final attempt succeeded.',
        `SELECT sum(requests_served) AS requests_served FROM ${from} WHERE ${where}`,
        'short',
      ),
    )
    .withPanel(
      statPanel(
        'Cache savings',
        'Cache-read tokens × (input rate − cache-read rate): what prompt caching saved, USD.',
        `SELECT sum(cached_input_tokens * (input_per_mtok - cached_input_per_mtok)) / 1000000 AS cache_savings_usd FROM ${from} WHERE ${where}`,
        'currencyUSD',
      ),
    )
    .withPanel(
      statPanel(
        'Negotiated savings',
        'List cost minus effective cost: what negotiated prices saved against the public catalog, USD.',
        `SELECT sum(list_cost_usd) - sum(cost_usd) AS negotiated_savings_usd FROM ${from} WHERE ${where}`,
        'currencyUSD',
      ),
    )
    .withRow(new RowBuilder('Over time'))
    .withPanel(spendBy('team'))
    .withPanel(spendBy('project'))
    .withPanel(spendBy('feature'))
    .withPanel(spendBy('model'))
    .withPanel(spendBy('provider'))
    .withPanel(
      timeSeriesPanel(
        'Requests by outcome',
        'Requests by the outcome of their final attempt: ok, error, timeout, rate_limited, cancelled, rejected, budget_refused.',
        `SELECT $__timeInterval(hour) AS time, outcome, sum(requests) AS requests FROM ${from} WHERE ${where} GROUP BY time, outcome ORDER BY time`,
        'short',
        true,
      ),
    )
    .withRow(new RowBuilder('Budgets'))
    .withPanel(
      timeSeriesPanel(
        'Budget burn against limit',
        'Spend of record, forecast to period end and limit per budget, as the policy service evaluates them each minute (USD).',
        `SELECT $__timeInterval(evaluated_at) AS time, concat(budget_id, ' ', subject) AS budget, argMax(spent_usd, evaluated_at) AS spent,
           argMax(forecast_usd, evaluated_at) AS forecast, argMax(limit_usd, evaluated_at) AS budget_limit
         FROM budget_status_v1 WHERE $__timeFilter(evaluated_at) GROUP BY time, budget ORDER BY time`,
        'currencyUSD',
      ),
    )
    .withPanel(
      tablePanel(
        'Budgets now',
        'The latest evaluation per budget and subject: spent, reserved in flight, remaining, burn rate, forecast and status.',
        `SELECT budget_id, subject, scope, period, argMax(period_end, evaluated_at) AS ends, argMax(limit_usd, evaluated_at) AS budget_limit,
           argMax(spent_usd, evaluated_at) AS spent, argMax(reserved_usd, evaluated_at) AS reserved, argMax(remaining_usd, evaluated_at) AS remaining,
           argMax(burn_usd_per_hour, evaluated_at) AS burn_per_hour, argMax(forecast_usd, evaluated_at) AS forecast, argMax(status, evaluated_at) AS budget_status
         FROM budget_status_v1 WHERE $__timeFilter(evaluated_at) GROUP BY budget_id, subject, scope, period ORDER BY budget_id, subject`,
      ),
    )
    .withRow(new RowBuilder('Top spenders'))
    .withPanel(
      tablePanel(
        'Top spenders',
        'Team, project and feature by effective cost in the range; list cost at public catalog rates.',
        `SELECT team, project, feature, sum(requests) AS requests, sum(requests_served) AS requests_served,
           sum(input_tokens + cached_input_tokens + cache_write_tokens) AS input_tokens, sum(output_tokens + reasoning_tokens) AS output_tokens,
           sum(cost_usd) AS spend_usd, sum(list_cost_usd) AS list_cost_usd
         FROM ${from} WHERE ${where} GROUP BY team, project, feature ORDER BY spend_usd DESC LIMIT 25`,
      ),
    );
}
