// The console's pages. Each reads the GraphQL API with the signed-in token, so a team's viewer
// sees its own teams only, exactly as through the API.
import { badge, card, chart, count, empty, ms, percent, pivot, stats, table, usd } from './ui.js';

const COSTS = `query ($from: DateTime!, $to: DateTime!, $groupBy: [GroupKey!]!, $bucket: TimeBucket, $order: CostOrder!, $first: Int!) {
  costs(from: $from, to: $to, groupBy: $groupBy, bucket: $bucket, orderBy: $order, first: $first) {
    rows { bucket group { value } measures { costUsd listCostUsd requests requestsServed attempts } }
    total { costUsd listCostUsd requests requestsServed attempts cachedInputTokens }
  }
}`;

/** Cost rows grouped by `dims`, optionally per time bucket (hour up to 2 days, else day). */
async function costs(gql, range, dims, { bucketed = false, order = 'KEY', first = 1000 } = {}) {
  const bucket = bucketed ? (range.hours > 48 ? 'DAY' : 'HOUR') : null;
  const data = await gql(COSTS, { from: range.from, to: range.to, groupBy: dims.map((d) => ({ dimension: d })), bucket, order, first });
  return data.costs;
}

async function spendPage(main, { gql, range }) {
  const [byTeam, top] = await Promise.all([
    costs(gql, range, ['TEAM'], { bucketed: true }),
    costs(gql, range, ['TEAM', 'PROJECT', 'FEATURE'], { order: 'COST_DESC', first: 10 }),
  ]);
  const total = byTeam.total;
  const summary = card(main, 'Spend in range', 'Effective (billed) cost at the applied rates; list cost is the same usage at catalog prices.', true);
  stats(summary, [
    { label: 'Spend', value: usd(total.costUsd) },
    { label: 'List cost', value: usd(total.listCostUsd) },
    { label: 'Requests', value: count(total.requests) },
    { label: 'Served', value: count(total.requestsServed) },
    { label: 'Attempts', value: count(total.attempts) },
  ]);
  const over = card(main, 'Spend over time by team', 'USD per bucket (UTC), stacked.', true);
  if (byTeam.rows.length === 0) empty(over, 'No spend in this range.');
  else {
    const { labels, series } = pivot(byTeam.rows.map((r) => ({ bucket: r.bucket, key: r.group[0].value, value: r.measures.costUsd })), range.hours);
    chart(over, 'bar', labels, series, { stacked: true, unit: '$' });
  }
  const spenders = card(main, 'Top spenders', 'Team / project / feature by effective cost.');
  if (top.rows.length === 0) empty(spenders, 'No spend in this range.');
  else {
    chart(spenders, 'bar', top.rows.map((r) => r.group.map((g) => g.value || '–').join(' / ')), [{ label: 'Spend', data: top.rows.map((r) => Number(r.measures.costUsd)) }], { unit: '$', horizontal: true });
    table(spenders, [
      { label: 'Team / project / feature', value: (r) => r.group.map((g) => g.value || '–').join(' / ') },
      { label: 'Requests', value: (r) => count(r.measures.requests), num: true },
      { label: 'Spend', value: (r) => usd(r.measures.costUsd), num: true },
    ], top.rows);
  }
}

async function routingPage(main, { gql, range }) {
  const routes = (await costs(gql, range, ['ROUTE'])).rows.map((r) => r.group[0].value);
  const weights = (await Promise.all(routes.map((route) => gql('query ($route: String!) { routingWeights(route: $route) { route deployment weight successRate p95LatencyMs attempts reason computedAt } }', { route })))).flatMap((d) => d.routingWeights);
  const section = card(main, 'Routing weights', 'Share multiplier the collectors apply to each deployment, as the policy engine last published it.', true);
  if (weights.length === 0) return empty(section, 'The policy engine has not published weights yet.');
  chart(section, 'bar', weights.map((w) => `${w.route} / ${w.deployment}`), [{ label: 'Weight', data: weights.map((w) => w.weight) }], { unit: '%', horizontal: true });
  table(section, [
    { label: 'Route', value: (w) => w.route },
    { label: 'Deployment', value: (w) => w.deployment },
    { label: 'Weight', value: (w) => percent(w.weight), num: true },
    { label: 'Success', value: (w) => percent(w.successRate), num: true },
    { label: 'p95', value: (w) => ms(w.p95LatencyMs), num: true },
    { label: 'Attempts', value: (w) => count(w.attempts), num: true },
    { label: 'Reason', value: (w) => badge(w.reason) },
  ], weights);
}

/** Navigation order; the first page is the landing page. */
export const pages = [
  { id: 'spend', title: 'Spend', render: spendPage },
  { id: 'routing', title: 'Routing', render: routingPage },
];
