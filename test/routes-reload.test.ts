import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { loadRoutesConfig, type RoutesConfig } from '../collector/config/routes-config.ts';
import { RoutesReloader } from '../collector/config/routes-reloader.ts';
import { composeDispatch } from '../collector/dispatch/dispatch-composition.ts';
import { buildRouteTable } from '../collector/dispatch/route-table.ts';
import { createCollectorServer } from '../collector/http/collector-server.ts';
import { startSimulator, type Simulator } from '../collector/simulator/index.ts';
import type { AttemptEvent } from '../core/events/attempt-event.ts';
import { collectingPublisher } from './support/collecting-publisher.ts';
import { until } from './support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-reload-'));
const file = join(dir, 'routes.json');
const env = { [SIMULATOR_KEY_ENV]: 'k' };
let sim: Simulator;
let server: Server;
let origin: string;
let reloader: RoutesReloader;
let base: RoutesConfig;
const events: AttemptEvent[] = [];
let tick = 1;

/** Writes the routes file with `first` as the priority deployment, and a fresh mtime. */
function writeRoutes(content: unknown): void {
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  const t = new Date(Date.now() + 1000 * tick++);
  utimesSync(file, t, t);
}
const priorityFirst = (first: string) => ({
  routes: base.routes.map((r) => ({
    ...r,
    strategy: 'priority',
    deployments: [...r.deployments].sort((a, b) => Number(b.name === first) - Number(a.name === first)),
  })),
});

before(async () => {
  sim = await startSimulator({ seed: 3 });
  base = simulatedRoutes((u, k) => sim.baseUrl(u, k));
  writeRoutes(priorityFirst('openai-primary'));
  const config = loadRoutesConfig(file);
  const { dispatcher, chat } = composeDispatch({ config, routes: buildRouteTable(config, env), publisher: collectingPublisher(events) });
  reloader = new RoutesReloader(file, (c) => dispatcher.reconfigure(buildRouteTable(c, env), c.retry));
  server = createCollectorServer({ chat, routeNames: () => dispatcher.routeNames() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  server.closeAllConnections();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function firstChoice(): Promise<string> {
  const r = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'q' }] }),
  });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  return events.filter((e) => e.attempt_no === 1).at(-1)!.deployment;
}

test('a changed routes file takes effect without a restart, and reverting it rolls back', async () => {
  assert.equal(await firstChoice(), 'openai-primary');
  writeRoutes(priorityFirst('gemini-backup'));
  assert.equal(reloader.check().ok, true);
  assert.equal(await firstChoice(), 'gemini-backup');
  assert.equal(reloader.check().ok, null, 'unchanged file: nothing to do');
  writeRoutes(priorityFirst('openai-primary'));
  assert.equal(reloader.check().ok, true);
  assert.equal(await firstChoice(), 'openai-primary');
});

test('a broken or unbuildable file is refused with the reason, and the running config stays', async () => {
  writeRoutes('{ "routes": [');
  const broken = reloader.check();
  assert.equal(broken.ok, false);
  assert.match((broken as { error: string }).error, /not valid JSON/);
  const unpriced = priorityFirst('anthropic-backup');
  unpriced.routes[0]!.deployments[0] = { ...unpriced.routes[0]!.deployments[0]!, api_key_env: 'SWITCHYARD_UNSET_KEY' };
  writeRoutes(unpriced);
  const refused = reloader.check();
  assert.equal(refused.ok, false);
  assert.match((refused as { error: string }).error, /SWITCHYARD_UNSET_KEY is not set/);
  assert.equal(await firstChoice(), 'openai-primary', 'still the last good config');
});

test('an edit made between start-up and the watcher’s first look is still applied (the watcher compares with the file as loaded)', async () => {
  // fs.watchFile took its baseline from its own first stat, later: an edit made before it was never reported.
  const applied: RoutesConfig[] = [];
  const fresh = new RoutesReloader(file, (c) => void applied.push(c));
  writeRoutes(priorityFirst('gemini-backup'));
  fresh.start(50);
  try {
    await until('the watcher to apply the edit', async () => applied.length === 1, 5_000);
    assert.equal(applied[0]!.routes[0]!.deployments[0]!.name, 'gemini-backup');
  } finally {
    fresh.stop();
  }
});
