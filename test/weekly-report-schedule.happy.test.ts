import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseRoutesConfig } from '../collector/config/routes-config.ts';
import { parseIsoWeek } from '../policy/weekly-report/iso-week.ts';
import { dueWeek, REPORT_GRACE_MS, startWeeklyReports } from '../policy/weekly-report/report-service.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';
import { ingestThroughPipeline, seededTraffic } from './support/seeded-traffic.ts';
import { startSlackLikeReceiver } from './support/slack-like-receiver.ts';
import { until } from './support/wait.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
const week = parseIsoWeek('2026-W48');
before(async () => {
  store = await freshEmbeddedStore();
  await ingestThroughPipeline(store.client, seededTraffic(week.fromMs, week.fromMs + 86_400_000, 30, 5));
});
after(() => store.dispose());

test('the policy schedule writes last week’s report once it is due and delivers the summary with its link; a written week is no longer due', async () => {
  const slack = await startSlackLikeReceiver();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-report-schedule-'));
    const routes = parseRoutesConfig({
      routes: [{ name: 'chat', deployments: [{ name: 'a', provider: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'gpt-4o-mini' }] }],
      alerts: { receivers: [{ name: 'finops', type: 'slack', url_env: 'FINOPS_SLACK_URL' }] },
    });
    const env = { SWITCHYARD_REPORT_DIR: dir, SWITCHYARD_REPORT_URL: 'https://reports.example.com', FINOPS_SLACK_URL: slack.url('T0/B0/x') };
    // Not due until the grace period after the week's end has passed.
    assert.equal(dueWeek(week.toMs + REPORT_GRACE_MS - 1, dir), null);
    assert.equal(dueWeek(week.toMs + REPORT_GRACE_MS, dir)?.label, '2026-W48');
    const now = week.toMs + REPORT_GRACE_MS + 60_000;
    const logs: string[] = [];
    const start = () => startWeeklyReports({ clickhouse: store.client, env, routes, clock: { now: () => now }, log: (m) => logs.push(m), checkEveryMs: 20 })!;
    const schedule = start();
    await until(
      'the report written and delivered',
      async () => existsSync(join(dir, 'switchyard-report-2026-W48.html')) && slack.delivered().length === 1,
      120_000,
    );
    await schedule.stop();
    // The file is the record: a restarted policy process finds the week not due and neither rewrites nor re-sends.
    assert.equal(dueWeek(now, dir), null);
    assert.deepEqual(readdirSync(dir).sort(), ['switchyard-report-2026-W48.html', 'switchyard-report-2026-W48.json', 'switchyard-report-2026-W48.md']);
    assert.equal(slack.delivered().length, 1, logs.join('\n'));
    assert.equal(logs.filter((l) => l.includes('2026-W48 written')).length, 1, logs.join('\n'));
    assert.match(JSON.parse(slack.delivered()[0]!.body).text as string, /https:\/\/reports\.example\.com\/switchyard-report-2026-W48\.html/);
    assert.equal(
      startWeeklyReports({ clickhouse: store.client, env: {}, routes, clock: { now: () => now }, log: () => {} }),
      null,
      'off without SWITCHYARD_REPORT_DIR',
    );
  } finally {
    await slack.close();
  }
});
