import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { board, filters, tablePanel, timeSeriesPanel } from './board-kit.ts';

const where = `$__timeFilter(minute) AND ${filters(['team', 'route', 'provider', 'model'])}`;
const from = 'attempts_per_minute_by_deployment_v2';
/** Attempts that reached a provider: cancelled and refused-before-a-call ones say nothing about it. */
const called = '(sum(attempts) - sum(cancelled) - sum(rejected) - sum(budget_refused))';

/** Success, error classes, 429s, fallbacks, retries and open circuits per provider and deployment (per-minute rollup). */
export function reliabilityBoard(): DashboardBuilder {
  const mapSeries = (title: string, description: string, column: string, label: string) =>
    timeSeriesPanel(
      title,
      description,
      `SELECT $__timeInterval(minute) AS time, ${label}, sum(n) AS attempts FROM ${from}
       ARRAY JOIN mapKeys(${column}) AS ${label}, mapValues(${column}) AS n
       WHERE ${where} GROUP BY time, ${label} ORDER BY time`,
      'short',
      true,
    );
  return board(
    'switchyard-reliability',
    'Switchyard · Reliability',
    'How providers and deployments behave: success, errors, 429s, failovers, open circuits.',
    'now-6h',
    ['team', 'route', 'provider', 'model'],
  )
    .withPanel(
      timeSeriesPanel(
        'Success rate by deployment',
        'ok ÷ attempts that reached the provider (cancelled and refused attempts excluded).',
        `SELECT $__timeInterval(minute) AS time, deployment, sum(ok) / nullIf(${called}, 0) AS success_rate FROM ${from} WHERE ${where} GROUP BY time, deployment ORDER BY time`,
        'percentunit',
      ),
    )
    .withPanel(
      timeSeriesPanel(
        '429 rate by provider',
        'rate_limited ÷ attempts that reached the provider.',
        `SELECT $__timeInterval(minute) AS time, provider, sum(rate_limited) / nullIf(${called}, 0) AS rate_limited_share FROM ${from} WHERE ${where} GROUP BY time, provider ORDER BY time`,
        'percentunit',
      ),
    )
    .withPanel(
      mapSeries('Errors by class', 'Failed attempts by error class (rate_limited, server, timeout, network, auth…).', 'errors_by_class', 'error_class'),
    )
    .withPanel(
      mapSeries(
        'Fallbacks by reason',
        'Attempts caused by an earlier failure, by that failure (failovers warn before final errors do).',
        'fallbacks_by_reason',
        'fallback_reason',
      ),
    )
    .withPanel(
      timeSeriesPanel(
        'Final failure rate by route',
        'Requests that ended without an answer ÷ requests.',
        `SELECT $__timeInterval(minute) AS time, route, 1 - sum(requests_served) / nullIf(sum(requests), 0) AS final_failure_rate FROM ${from} WHERE ${where} GROUP BY time, route ORDER BY time`,
        'percentunit',
      ),
    )
    .withPanel(
      timeSeriesPanel(
        'Open circuit refusals and retries',
        'Attempts refused before a call (circuit open, no deployment left) and retries, per deployment.',
        `SELECT $__timeInterval(minute) AS time, deployment, sum(rejected) AS refused_open_circuit, sum(retries) AS retries FROM ${from} WHERE ${where} GROUP BY time, deployment ORDER BY time`,
        'short',
      ),
    )
    .withRow(new RowBuilder('Deployments'))
    .withPanel(
      tablePanel(
        'Deployments in range',
        'Attempt outcomes per deployment over the whole range.',
        // Display-name aliases: an alias equal to a column name would shadow it inside success_rate.
        `SELECT route, provider, deployment, sum(attempts) AS \`Attempts\`, sum(ok) AS \`OK\`, sum(error) AS \`Errors\`, sum(timeout) AS \`Timeouts\`,
           sum(rate_limited) AS \`429s\`, sum(cancelled) AS \`Cancelled\`, sum(rejected) AS \`Refused (open circuit)\`, sum(budget_refused) AS \`Budget refused\`,
           sum(retries) AS \`Retries\`, round(sum(ok) / nullIf(${called}, 0), 4) AS \`Success rate\`
         FROM ${from} WHERE ${where} GROUP BY route, provider, deployment ORDER BY route, deployment`,
      ),
    );
}
