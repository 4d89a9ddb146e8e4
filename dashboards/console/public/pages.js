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
    const { labels, series } = pivot(
      byTeam.rows.map((r) => ({ bucket: r.bucket, key: r.group[0].value, value: r.measures.costUsd })),
      range.hours,
    );
    chart(over, 'bar', labels, series, { stacked: true, unit: '$' });
  }
  const spenders = card(main, 'Top spenders', 'Team / project / feature by effective cost.');
  if (top.rows.length === 0) empty(spenders, 'No spend in this range.');
  else {
    chart(
      spenders,
      'bar',
      top.rows.map((r) => r.group.map((g) => g.value || 'unattributed').join(' / ')),
      [{ label: 'Spend', data: top.rows.map((r) => Number(r.measures.costUsd)) }],
      { unit: '$', horizontal: true },
    );
    table(
      spenders,
      [
        { label: 'Team / project / feature', value: (r) => r.group.map((g) => g.value || 'unattributed').join(' / ') },
        { label: 'Requests', value: (r) => count(r.measures.requests), num: true },
        { label: 'Spend', value: (r) => usd(r.measures.costUsd), num: true },
      ],
      top.rows,
    );
  }
}

const WEIGHTS = `{ routingWeights { route deployment weight share reason detail evidence { attempts successRate p95Ms } } }`;
const SCORES = `query ($route: String!) { providerScores(route: $route) { current { deployment composite factors { name score } } } }`;

async function routingPage(main, { gql }) {
  const weights = (await gql(WEIGHTS)).routingWeights;
  const section = card(main, 'Routing weights', 'Share of first picks per deployment as the policy engine last published it, and why.', true);
  if (weights.length === 0) return empty(section, 'The policy engine has not published weights yet.');
  chart(
    section,
    'bar',
    weights.map((w) => `${w.route} / ${w.deployment}`),
    [
      { label: 'Share of first picks', data: weights.map((w) => w.share) },
      { label: 'Weight', data: weights.map((w) => w.weight) },
    ],
    { unit: '%', horizontal: true },
  );
  table(
    section,
    [
      { label: 'Route', value: (w) => w.route },
      { label: 'Deployment', value: (w) => w.deployment },
      { label: 'Weight', value: (w) => percent(w.weight), num: true },
      { label: 'Share', value: (w) => percent(w.share), num: true },
      { label: 'Success', value: (w) => percent(w.evidence.successRate), num: true },
      { label: 'p95', value: (w) => ms(w.evidence.p95Ms), num: true },
      { label: 'Reason', value: (w) => badge(w.reason) },
      { label: 'Why', value: (w) => w.detail },
    ],
    weights,
  );
  for (const route of [...new Set(weights.map((w) => w.route))]) {
    const scores = (await gql(SCORES, { route })).providerScores.current;
    const craft = card(main, `CRAFT scores · ${route}`, 'Cost, Reliability, Availability, Flexibility, Trust (0–1) and the composite the weights start from.');
    if (scores.length === 0) {
      empty(craft, 'No scores for this route yet.');
      continue;
    }
    const names = scores[0].factors.map((f) => f.name);
    chart(
      craft,
      'bar',
      [...names, 'composite'],
      scores.map((s) => ({ label: s.deployment, data: [...s.factors.map((f) => f.score), s.composite] })),
      { unit: '%' },
    );
  }
}

const LATENCY = `query ($from: DateTime!, $to: DateTime!, $bucket: Int) {
  latencyReport(from: $from, to: $to, groupBy: [provider], bucketSeconds: $bucket) {
    rows { bucket group { value } attempts ok latencyMs { p50 p95 p99 } ttftMs { p50 p95 p99 } timePerOutputTokenMs { p50 } }
  }
}`;
const GOODPUT = `query ($from: DateTime!, $to: DateTime!) { goodputReport(from: $from, to: $to, groupBy: [route]) { rows { route served met share slo { latencyMs ttftMs } } } }`;

async function latencyPage(main, { gql, range }) {
  const bucket = range.hours > 48 ? 86_400 : 3_600;
  const [overall, series, goodput] = await Promise.all([
    gql(LATENCY, { from: range.from, to: range.to, bucket: null }),
    gql(LATENCY, { from: range.from, to: range.to, bucket }),
    gql(GOODPUT, { from: range.from, to: range.to }),
  ]);
  const rows = overall.latencyReport.rows;
  const per = card(
    main,
    'Latency percentiles by provider',
    'Successful attempts over the range: latency, time to first token (streams) and time per output token, ms.',
    true,
  );
  if (rows.length === 0) return empty(per, 'No attempts in this range.');
  chart(
    per,
    'bar',
    rows.map((r) => r.group[0].value),
    ['p50', 'p95', 'p99'].map((p) => ({ label: `latency ${p}`, data: rows.map((r) => r.latencyMs?.[p] ?? null) })),
    { unit: 'ms' },
  );
  table(
    per,
    [
      { label: 'Provider', value: (r) => r.group[0].value },
      { label: 'OK / attempts', value: (r) => `${count(r.ok)} / ${count(r.attempts)}`, num: true },
      {
        label: 'Latency p50 / p95 / p99',
        value: (r) => (r.latencyMs ? `${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p95)} / ${ms(r.latencyMs.p99)}` : '–'),
        num: true,
      },
      { label: 'TTFT p50 / p95', value: (r) => (r.ttftMs ? `${ms(r.ttftMs.p50)} / ${ms(r.ttftMs.p95)}` : '–'), num: true },
      { label: 'Per output token p50', value: (r) => (r.timePerOutputTokenMs ? `${r.timePerOutputTokenMs.p50.toFixed(2)} ms` : '–'), num: true },
    ],
    rows,
  );
  const over = card(main, 'p95 latency over time by provider', 'Successful attempts, ms, per bucket (UTC).', true);
  const { labels, series: lines } = pivot(
    series.latencyReport.rows.filter((r) => r.latencyMs).map((r) => ({ bucket: r.bucket, key: r.group[0].value, value: r.latencyMs.p95 })),
    range.hours,
  );
  chart(over, 'line', labels, lines, { unit: 'ms' });
  const good = card(main, 'Goodput by route', "Requests served within the route's SLO ÷ requests served.");
  const withSlo = goodput.goodputReport.rows.filter((r) => r.slo);
  if (withSlo.length === 0) empty(good, 'No route has an SLO (routes file: slo) with traffic in this range.');
  else {
    chart(
      good,
      'bar',
      withSlo.map((r) => r.route),
      [{ label: 'Within SLO', data: withSlo.map((r) => r.share) }],
      { unit: '%' },
    );
    table(
      good,
      [
        { label: 'Route', value: (r) => r.route },
        { label: 'SLO', value: (r) => `latency ≤ ${r.slo.latencyMs} ms${r.slo.ttftMs ? `, TTFT ≤ ${r.slo.ttftMs} ms` : ''}` },
        { label: 'Met / served', value: (r) => `${count(r.met)} / ${count(r.served)}`, num: true },
      ],
      withSlo,
    );
  }
}

const BUDGETS = `{ budgets { id scope subject period limit spent reserved remaining forecast status periodEnd shadow } }`;

async function budgetsPage(main, { gql }) {
  const budgets = (await gql(BUDGETS)).budgets;
  const section = card(main, 'Budgets and forecasts', 'Spent and forecast to the end of the current period against each limit.', true);
  if (budgets.length === 0) return empty(section, 'No budgets are defined (routes file budgets, or the createBudget mutation).');
  chart(
    section,
    'bar',
    budgets.map((b) => `${b.scope.toLowerCase()} ${b.subject} (${b.period.toLowerCase()})`),
    [
      { label: 'Spent', data: budgets.map((b) => Number(b.spent)) },
      { label: 'Forecast', data: budgets.map((b) => Number(b.forecast)) },
      { label: 'Limit', data: budgets.map((b) => Number(b.limit)) },
    ],
    { unit: '$', horizontal: true },
  );
  table(
    section,
    [
      { label: 'Budget', value: (b) => b.id },
      { label: 'Scope', value: (b) => `${b.scope.toLowerCase()} ${b.subject}` },
      { label: 'Period ends', value: (b) => b.periodEnd.slice(0, 16).replace('T', ' ') },
      { label: 'Spent', value: (b) => usd(b.spent), num: true },
      { label: 'Reserved', value: (b) => usd(b.reserved), num: true },
      { label: 'Remaining', value: (b) => usd(b.remaining), num: true },
      { label: 'Forecast', value: (b) => usd(b.forecast), num: true },
      { label: 'Limit', value: (b) => usd(b.limit), num: true },
      { label: 'Status', value: (b) => badge(b.shadow ? `${b.status.toLowerCase()} (shadow)` : b.status.toLowerCase()) },
    ],
    budgets,
  );
}

const ALERTS = `query ($from: DateTime!, $to: DateTime!) {
  firing: alerts(states: [FIRING, PENDING]) { rule severity state since labels { name value } evidence { value threshold ratio } }
  recent: alerts(from: $from, to: $to, first: 200) { rule severity state since evaluatedAt labels { name value } evidence { ratio } }
}`;

async function alertsPage(main, { gql, range }) {
  const { firing, recent } = await gql(ALERTS, { from: range.from, to: range.to });
  const labels = (a) => a.labels.map((l) => `${l.name}=${l.value}`).join(', ');
  const now = card(main, 'Firing alerts', 'Alerts firing or pending now, with the value against its threshold.', true);
  if (firing.length === 0) empty(now, 'Nothing is firing.');
  else {
    chart(
      now,
      'bar',
      firing.map((a) => `${a.rule} ${labels(a)}`),
      [{ label: 'Value ÷ threshold', data: firing.map((a) => a.evidence?.ratio ?? null) }],
      { horizontal: true },
    );
    table(
      now,
      [
        { label: 'Rule', value: (a) => a.rule },
        { label: 'Severity', value: (a) => badge(a.severity) },
        { label: 'State', value: (a) => badge(a.state.toLowerCase()) },
        { label: 'Group', value: labels },
        { label: 'Since', value: (a) => a.since.slice(0, 16).replace('T', ' ') },
        {
          label: 'Value / threshold',
          value: (a) => (a.evidence ? `${a.evidence.value.toPrecision(3)} / ${a.evidence.threshold?.toPrecision(3) ?? '–'}` : '–'),
          num: true,
        },
      ],
      firing,
    );
  }
  const history = card(main, 'Alert history', 'Evaluations in the range, newest first.', true);
  if (recent.length === 0) empty(history, 'No alert changed state in this range.');
  else
    table(
      history,
      [
        { label: 'Evaluated', value: (a) => a.evaluatedAt.slice(0, 16).replace('T', ' ') },
        { label: 'Rule', value: (a) => a.rule },
        { label: 'State', value: (a) => badge(a.state.toLowerCase()) },
        { label: 'Group', value: labels },
      ],
      [...recent].sort((a, b) => b.evaluatedAt.localeCompare(a.evaluatedAt)).slice(0, 50),
    );
}

const ATTEMPTS = `query ($from: DateTime!, $to: DateTime!, $after: String) {
  attempts(from: $from, to: $to, first: 1000, after: $after) {
    attempts { startedAt route deployment provider outcome errorClass fallbackReason attemptNo team }
    nextCursor
  }
}`;

async function failoversPage(main, { gql }) {
  // The drill-down reads raw attempts, so it is bounded: the last 30 minutes, at most 5,000 attempts.
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 60_000);
  const failovers = [];
  let after = null;
  for (let page = 0; page < 5; page++) {
    const data = (await gql(ATTEMPTS, { from: from.toISOString(), to: to.toISOString(), after })).attempts;
    failovers.push(...data.attempts.filter((a) => a.fallbackReason !== 'none'));
    after = data.nextCursor;
    if (!after) break;
  }
  const chartCard = card(main, 'Failovers in the last 30 minutes', "Attempts caused by an earlier attempt's failure, per minute, by that failure.", true);
  if (failovers.length === 0) return empty(chartCard, 'No failovers in the last 30 minutes.');
  const rows = failovers.map((a) => ({ bucket: `${a.startedAt.slice(0, 16)}:00.000Z`, key: a.fallbackReason, value: 1 }));
  const summed = new Map();
  for (const r of rows) summed.set(`${r.bucket}|${r.key}`, { ...r, value: (summed.get(`${r.bucket}|${r.key}`)?.value ?? 0) + 1 });
  const { labels, series } = pivot([...summed.values()], 1);
  chart(chartCard, 'bar', labels, series, { stacked: true });
  const list = card(main, 'Recent failovers', 'Newest first: where the request went after the failure.', true);
  table(
    list,
    [
      { label: 'Started (UTC)', value: (a) => a.startedAt.slice(11, 19) },
      { label: 'Route', value: (a) => a.route },
      { label: 'Because', value: (a) => badge(a.fallbackReason) },
      { label: 'Attempt', value: (a) => String(a.attemptNo), num: true },
      { label: 'Served by', value: (a) => `${a.provider} / ${a.deployment}` },
      { label: 'Outcome', value: (a) => badge(a.outcome) },
      { label: 'Team', value: (a) => a.team || '–' },
    ],
    [...failovers].reverse().slice(0, 50),
  );
}

const AUDIT = `query ($from: DateTime!, $to: DateTime!, $after: String) {
  deploymentAudit(from: $from, to: $to, first: 200, after: $after) { entries { at kind actor role subject reason host } nextCursor }
}`;

async function auditPage(main, { gql, range }) {
  const entries = [];
  let after = null;
  for (let page = 0; page < 5; page++) {
    const data = (await gql(AUDIT, { from: range.from, to: range.to, after })).deploymentAudit;
    entries.push(...data.entries);
    after = data.nextCursor;
    if (!after) break;
  }
  const summary = card(
    main,
    'Changes to what serves traffic',
    'Routes-file reloads (and refused ones), API mutations and policy overrides, per bucket and kind.',
    true,
  );
  if (entries.length === 0) return empty(summary, 'Nothing changed in this range.');
  const day = range.hours > 48;
  const counted = new Map();
  for (const e of entries) {
    const bucket = day ? `${e.at.slice(0, 10)}T00:00:00.000Z` : `${e.at.slice(0, 13)}:00:00.000Z`;
    const key = `${bucket}|${e.kind}`;
    counted.set(key, { bucket, key: e.kind, value: (counted.get(key)?.value ?? 0) + 1 });
  }
  const { labels, series } = pivot([...counted.values()], range.hours);
  chart(summary, 'bar', labels, series, { stacked: true });
  const log = card(main, 'Audit log', 'Newest first: who changed what, from where, and why.', true);
  table(
    log,
    [
      { label: 'When (UTC)', value: (e) => e.at.slice(0, 19).replace('T', ' ') },
      { label: 'Kind', value: (e) => badge(e.kind) },
      { label: 'What', value: (e) => e.subject },
      { label: 'Who', value: (e) => [e.actor, e.role].filter(Boolean).join(' · ') || e.host || '–' },
      { label: 'Why / outcome', value: (e) => e.reason || '–' },
    ],
    [...entries].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 100),
  );
}

/** Navigation order; the first page is the landing page. */
export const pages = [
  { id: 'spend', title: 'Spend', render: spendPage },
  { id: 'latency', title: 'Latency', render: latencyPage },
  { id: 'routing', title: 'Routing', render: routingPage },
  { id: 'budgets', title: 'Budgets', render: budgetsPage },
  { id: 'alerts', title: 'Alerts', render: alertsPage },
  { id: 'failovers', title: 'Failovers', render: failoversPage },
  { id: 'audit', title: 'Audit', render: auditPage },
];
