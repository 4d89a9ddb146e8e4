import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { clickHouseRoutesAuditSink } from '../collector/audit/routes-audit.ts';
import type { ClickHouseClient } from '../core/clickhouse/client.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';
import { sumUsd } from '../core/money/decimal-usd.ts';
import { ClickHouseAlertEventStore } from '../policy/alerts/store/clickhouse-alert-event-store.ts';
import { createOverride } from '../policy/override-store.ts';
import { clientRows } from '../policy/row-reader.ts';
import { buildWeeklyReport } from '../policy/weekly-report/build-weekly-report.ts';
import { parseIsoWeek, previousWeek } from '../policy/weekly-report/iso-week.ts';
import { renderMarkdown } from '../policy/weekly-report/report-markdown.ts';
import { produceReport } from '../policy/weekly-report/report-service.ts';
import type { WeeklyReport } from '../policy/weekly-report/weekly-report.ts';
import { systemClock } from '../core/clock.ts';
import { Secret } from '../policy/alerts/notify/receiver-secrets.ts';
import { alertInstance } from './support/alerts-harness.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { ingestThroughPipeline, seededTraffic } from './support/seeded-traffic.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';

const CHROMIUM = '/usr/bin/chromium';
const week = parseIsoWeek('2026-W48');
const prev = previousWeek(week);
const HOUR = 3_600_000;

/** Final ok answers of route chat get a contract outcome: every 7th broke its schema. */
function withParity(events: AttemptEvent[]): AttemptEvent[] {
  let i = 0;
  return events.map((e) => (e.route === 'chat' && e.status === 'ok' ? { ...e, parity: i++ % 7 === 0 ? 'schema_violation' : 'ok' } : e));
}

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
let report: WeeklyReport;

async function raw<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}
const inWeek = (w: { fromMs: number; toMs: number }) => ({
  from: new Date(w.fromMs).toISOString().slice(0, 19).replace('T', ' '),
  to: new Date(w.toMs).toISOString().slice(0, 19).replace('T', ' '),
});

before(async () => {
  store = await freshEmbeddedStore();
  await ingestThroughPipeline(store.client, [
    ...withParity(seededTraffic(week.fromMs, week.toMs - HOUR, 500, 7)),
    ...seededTraffic(prev.fromMs, prev.toMs - HOUR, 300, 8),
  ]);
  const alerts = new ClickHouseAlertEventStore(store.client);
  // Fired Tuesday 10:00, resolved 10:45; another fired Sunday 23:00 and still firing at the end.
  const tue = week.fromMs + 24 * HOUR + 10 * HOUR;
  await alerts.record([
    alertInstance('fp-1', 'error_rate', { route: 'chat' }, 'firing', tue),
    alertInstance('fp-1', 'error_rate', { route: 'chat' }, 'resolved', tue + 45 * 60_000),
  ]);
  await alerts.record([alertInstance('fp-2', 'spend_spike', { team: 'search' }, 'firing', week.toMs - HOUR)]);
  await clickHouseRoutesAuditSink(store.client)({
    audit_id: crypto.randomUUID(),
    at: new Date(week.fromMs + 2 * HOUR).toISOString().replace('T', ' ').replace('Z', ''),
    kind: 'routes_reload',
    host: 'h1',
    pid: 42,
    service: 'collector',
    file: '/etc/routes.yaml',
    checksum: 'a'.repeat(64),
    diff: JSON.stringify({ deployments: { added: ['chat/gemini'], removed: [], changed: [] } }),
    reason: '',
  });
  await createOverride(
    store.client,
    {
      route: 'chat',
      deployment: 'openai-primary',
      action: 'drain',
      share: null,
      actor: 'ops',
      reason: 'provider incident',
      expiresAtMs: week.fromMs + 5 * HOUR,
    },
    week.fromMs + 3 * HOUR,
  );
  report = await buildWeeklyReport(clientRows(store.client), week, { nowMs: week.toMs + HOUR, slos: new Map([['chat', { latencyMs: 2000, ttftMs: null }]]) });
});
after(() => store.dispose());

describe('weekly report of a seeded week, reconciled to raw attempts', () => {
  it('requests, served and goodput per route equal raw', async () => {
    const rows = await raw<{ route: string; requests: string; served: string; met: string }>(
      store.client,
      `SELECT route, toString(countIf(is_final)) AS requests, toString(countIf(is_final AND status = 'ok')) AS served,
         toString(countIf(is_final AND status = 'ok' AND latency_ms <= 2000)) AS met
       FROM attempts WHERE started_at >= {from:DateTime} AND started_at < {to:DateTime} GROUP BY route ORDER BY route`,
      inWeek(week),
    );
    assert.deepEqual(
      report.performance.map((p) => [p.route, p.requests, p.served]),
      rows.map((r) => [r.route, Number(r.requests), Number(r.served)]),
    );
    const chat = report.performance.find((p) => p.route === 'chat')!;
    assert.equal(chat.goodput.met, Number(rows.find((r) => r.route === 'chat')!.met));
    assert.match(chat.goodput.slo, /2000 ms/);
  });

  it('latency and TTFT percentiles are within the TDigest error of the exact raw quantiles', async () => {
    const [exact] = await raw<{ q: number[]; t: number[] }>(
      store.client,
      `SELECT quantilesExact(0.5, 0.95, 0.99)(latency_ms) AS q, quantilesExactIf(0.5, 0.95, 0.99)(ttft_ms, ttft_ms IS NOT NULL) AS t FROM attempts
       WHERE route = 'chat' AND status = 'ok' AND started_at >= {from:DateTime} AND started_at < {to:DateTime}`,
      inWeek(week),
    );
    const chat = report.performance.find((p) => p.route === 'chat')!;
    const near = (a: number, b: number) => Math.abs(a - b) <= 0.1 * b + 50;
    assert.ok(near(chat.latencyMs!.p50, exact!.q[0]!) && near(chat.latencyMs!.p95, exact!.q[1]!), `${JSON.stringify(chat.latencyMs)} vs ${exact!.q}`);
    assert.ok(near(chat.ttftMs!.p50, exact!.t[0]!), `${JSON.stringify(chat.ttftMs)} vs ${exact!.t}`);
  });

  it('cost by team, project, model and provider equals raw to the pico-dollar, with the week-over-week change', async () => {
    for (const [dimension, rows] of [
      ['team', report.cost.byTeam],
      ['project', report.cost.byProject],
      ['model', report.cost.byModel],
      ['provider', report.cost.byProvider],
    ] as const) {
      const cur = await raw<{ k: string; c: string }>(
        store.client,
        `SELECT ${dimension} AS k, toString(sum(cost_usd)) AS c FROM attempts WHERE started_at >= {from:DateTime} AND started_at < {to:DateTime} GROUP BY k`,
        inWeek(week),
      );
      const old = await raw<{ k: string; c: string }>(
        store.client,
        `SELECT ${dimension} AS k, toString(sum(cost_usd)) AS c FROM attempts WHERE started_at >= {from:DateTime} AND started_at < {to:DateTime} GROUP BY k`,
        inWeek(prev),
      );
      for (const row of rows) {
        const c = cur.find((r) => r.k === row.key)?.c ?? '0';
        const o = old.find((r) => r.k === row.key)?.c ?? '0';
        assert.equal(row.costUsd, sumUsd([c]), `${dimension} ${row.key}`);
        assert.equal(row.previousUsd, sumUsd([o]), `${dimension} ${row.key} week before`);
        assert.ok(Math.abs(row.change! - (Number(c) - Number(o)) / Number(o)) < 1e-9);
      }
      assert.equal(rows.length, new Set([...cur, ...old].map((r) => r.k)).size);
    }
    const [total] = await raw<{ c: string }>(
      store.client,
      `SELECT toString(sum(cost_usd)) AS c FROM attempts WHERE started_at >= {from:DateTime} AND started_at < {to:DateTime}`,
      inWeek(week),
    );
    assert.equal(report.cost.totalUsd, sumUsd([total!.c]));
  });

  it('fallback rate and reasons per route equal raw', async () => {
    const rows = await raw<{ route: string; reason: string; n: string }>(
      store.client,
      `SELECT route, fallback_reason AS reason, toString(count()) AS n FROM attempts WHERE fallback_reason != 'none' AND started_at >= {from:DateTime} AND started_at < {to:DateTime} GROUP BY route, reason`,
      inWeek(week),
    );
    for (const f of report.fallbacks) {
      const mine = rows.filter((r) => r.route === f.route);
      assert.deepEqual(f.reasons, Object.fromEntries(mine.map((r) => [r.reason, Number(r.n)])));
      assert.equal(f.rate, f.fallbacks / f.requests);
    }
    assert.ok(report.fallbacks.some((f) => f.fallbacks > 0));
  });

  it('a report of the week in progress counts an alert still firing up to now, not to the week’s end', async () => {
    // Found by a fresh-user trial: an alert fired 13 minutes before the report read "132.4 h" (to Sunday 24:00).
    const asOf = week.toMs - 30 * 60_000;
    const current = await buildWeeklyReport(clientRows(store.client), week, { nowMs: asOf });
    assert.deepEqual(
      current.alerts.map((a) => [a.rule, a.resolvedAtMs === null, a.durationMs]),
      [
        ['error_rate', false, 45 * 60_000],
        ['spend_spike', true, 30 * 60_000],
      ],
    );
  });

  it('parity, alerts with their durations, budgets and changes are in', async () => {
    const [p] = await raw<{ ok: string; bad: string }>(
      store.client,
      `SELECT toString(countIf(parity = 'ok')) AS ok, toString(countIf(parity = 'schema_violation')) AS bad FROM attempts WHERE started_at >= {from:DateTime} AND started_at < {to:DateTime}`,
      inWeek(week),
    );
    const chat = report.parity.deployments.filter((d) => d.route === 'chat');
    assert.equal(
      chat.reduce((n, d) => n + d.ok, 0),
      Number(p!.ok),
    );
    assert.equal(
      chat.reduce((n, d) => n + d.checked, 0),
      Number(p!.ok) + Number(p!.bad),
    );
    assert.deepEqual(
      report.alerts.map((a) => [a.rule, a.resolvedAtMs === null, a.durationMs]),
      [
        ['error_rate', false, 45 * 60_000],
        ['spend_spike', true, HOUR],
      ],
    );
    assert.deepEqual(report.budgets, []);
    assert.deepEqual(
      report.changes.map((c) => c.kind),
      ['routes_reload', 'override_set', 'override_expired'],
    );
    const md = renderMarkdown(report);
    for (const heading of ['## Performance', '## Cost', '## Fallbacks', '## Parity', '## Budgets', '## Alerts', '## What changed'])
      assert.ok(md.includes(heading), heading);
    assert.ok(md.includes('deployments +1 −0 ~0'));
  });
});

describe('weekly report files, HTML in headless Chromium and delivery', () => {
  let browser: Browser;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `the report test needs Debian's chromium at ${CHROMIUM}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
  });
  after(() => browser.close());

  it('writes Markdown, HTML and JSON, delivers the summary with the link, and the page draws every chart offline without console errors', async () => {
    const slack = await startSlackLikeReceiver();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-report-'));
      const receivers = [
        { name: 'finops', type: 'slack' as const, url: new Secret(slack.url('T0/B0/secretpath')), signingSecret: null, sendResolved: false, urlId: 'abc' },
      ];
      const logs: string[] = [];
      const out = await produceReport(week, {
        rows: clientRows(store.client),
        settings: { dir, baseUrl: 'https://reports.example.com/switchyard' },
        slos: new Map(),
        receivers,
        clock: systemClock,
        log: (m) => logs.push(m),
      });
      assert.equal(out.delivered, 1, logs.join('\n'));
      assert.equal(out.link, 'https://reports.example.com/switchyard/switchyard-report-2026-W48.html');
      const message = JSON.parse(slack.delivered()[0]!.body) as { text: string };
      assert.match(message.text, /2026-W48/);
      assert.match(message.text, /reports\.example\.com/);
      const json = JSON.parse(readFileSync(out.files.json, 'utf8')) as WeeklyReport;
      assert.equal(json.cost.totalUsd, report.cost.totalUsd);

      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      // Offline: any request the page makes fails the test.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort()),
      );
      await page.goto(`file://${out.files.html}`);
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((c) => {
          const ctx = (c as HTMLCanvasElement).getContext('2d')!;
          const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
          return {
            id: c.id,
            painted,
            chart: Boolean((window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(c as HTMLCanvasElement)),
          };
        }),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(
        drawn.map((d) => d.id),
        ['cost-by-team', 'cost-by-provider', 'latency', 'fallback-reasons'],
      );
      for (const d of drawn) assert.ok(d.chart && d.painted > 500, `${d.id} not drawn (${d.painted} painted pixels)`);
      await page.close();
    } finally {
      await slack.close();
    }
  });
});
