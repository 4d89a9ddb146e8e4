import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApi, testToken } from '../../api/testing/api-harness.ts';
import { seedAlerts, seedRoutingDecisions } from '../../test/support/seeded-policy-tables.ts';
import { ingestThroughPipeline, seededTraffic } from '../../test/support/seeded-traffic.ts';
import { consoleRoute } from './console-route.ts';

/** Debian's chromium package; CI installs it (.ci/run). */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of every page, kept for review (CI prints this folder). */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.artifacts', 'console');
const HOUR = 3_600_000;

let api: Awaited<ReturnType<typeof startTestApi>>;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the console tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium)`);
  api = await startTestApi([testToken('ops', 'admin'), testToken('search-viewer', 'viewer', ['search'])], { routes: [consoleRoute] });
  const now = Date.now();
  await ingestThroughPipeline(api.store.client, seededTraffic(now - 20 * HOUR, now - 60_000, 400));
  // The last 30 minutes carry their own traffic, so the failovers page has recent attempts to show.
  await ingestThroughPipeline(api.store.client, seededTraffic(now - 25 * 60_000, now - 30_000, 80, 7));
  await seedRoutingDecisions(api.store.client, now);
  await seedAlerts(api.store.client, now);
  const budget = await api.gql(
    'mutation { createBudget(id: "search-monthly", input: { scope: TEAM, match: "search", period: MONTH, limit: "50" }) { id } }',
    {},
    'ops',
  );
  assert.deepEqual(budget.errors ?? [], []);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await api?.close();
});

/** Opens a console page as `tokenId` (none: the API's own default), failing on any console error or off-origin request. */
async function open(pageId: string, tokenId?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => !r.url().startsWith(api.base) && errors.push(`request left the server: ${r.url()}`));
  if (tokenId) await page.addInitScript((t) => sessionStorage.setItem('switchyard-token', t), `tok-${tokenId}`);
  await page.goto(`${api.base}/console/#${pageId}`);
  await page.waitForSelector(`main[data-page="${pageId}"][data-state="ready"], main[data-state="error"], main[data-state="signed-out"]`, { timeout: 20_000 });
  return { page, errors };
}

/** True when a chart canvas has drawn something (not all pixels blank). */
async function drawnCharts(page: Page): Promise<number> {
  return page.$$eval(
    'canvas',
    (canvases) =>
      canvases.filter((c) => {
        const ctx = (c as HTMLCanvasElement).getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
      }).length,
  );
}

test('every console page loads without errors, renders seeded data in drawn charts, and is kept as a screenshot', async () => {
  const { page: home } = await open('spend', 'ops');
  const pageIds = await home.$$eval('nav a', (links) => links.map((a) => (a as HTMLElement).dataset.page!));
  await home.context().close();
  assert.ok(pageIds.length >= 2, `the console has pages: ${pageIds.join(', ')}`);
  for (const id of pageIds) {
    const { page, errors } = await open(id, 'ops');
    assert.equal(await page.getAttribute('main', 'data-state'), 'ready', `${id}: ${await page.textContent('main')}`);
    const charts = await page.$$('canvas');
    assert.ok(charts.length > 0, `${id} draws at least one chart`);
    assert.equal(await drawnCharts(page), charts.length, `${id}: every chart drew pixels`);
    assert.equal((await page.$$eval('.empty', (els) => els.map((e) => e.textContent))).join(' | '), '', `${id} shows seeded data, not an empty state`);
    await page.screenshot({ path: join(ARTIFACTS, `${id}.png`), fullPage: true });
    assert.deepEqual(errors, [], id);
    await page.context().close();
  }
});

test('the spend page shows the seeded teams to an admin, and only its own team to a team viewer', async () => {
  const admin = await open('spend', 'ops');
  const adminText = (await admin.page.textContent('[data-card="Top spenders"]'))!;
  for (const team of ['search', 'payments', 'support']) assert.match(adminText, new RegExp(`${team} /`));
  await admin.page.context().close();
  const viewer = await open('spend', 'search-viewer');
  const viewerText = (await viewer.page.textContent('[data-card="Top spenders"]'))!;
  assert.match(viewerText, /search \/ autocomplete/);
  assert.doesNotMatch(viewerText, /payments|support/);
  await viewer.page.screenshot({ path: join(ARTIFACTS, 'spend-as-team-viewer.png'), fullPage: true });
  assert.deepEqual(viewer.errors, []);
  await viewer.page.context().close();
});

test("without a token the console asks for one, and a wrong token is refused with the API's reason", async () => {
  const { page } = await open('spend');
  assert.equal(await page.getAttribute('main', 'data-state'), 'signed-out');
  assert.equal(await page.isVisible('form#login'), true);
  await page.fill('#token', 'not-a-token');
  await page.click('form#login button');
  await page.waitForFunction(() => document.getElementById('login-error')!.textContent !== '');
  assert.notEqual(await page.textContent('#login-error'), '');
  await page.fill('#token', 'tok-ops');
  await page.click('form#login button');
  await page.waitForSelector('main[data-state="ready"]');
  await page.context().close();
});
