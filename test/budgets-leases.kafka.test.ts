import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedRoutes, simulatedUpstreams } from '../cli/default-routes.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { startCli } from './support/cli-process.ts';
import { graphql } from './support/spine-scenario.ts';
import { restartablePort } from './support/ports.ts';
import { until } from './support/wait.ts';

// Three collector processes share one hard calendar budget through leases from the grantor in the
// policy/API process, over the real broker: 100 concurrent clients on one key, one collector
// stopped and restarted mid-period, the grantor away for 30 s. Spend of record never passes the
// limit, and every request a provider served is recorded.

const brokers = process.env.KAFKA_BROKERS;
const LIMIT_USD = 0.03;

/** A collector's /metrics address, from the Ops line it prints at start. */
const metricsUrl = (output: string): string => {
  const url = /Ops:\s+(http:\/\/\S+\/metrics)/.exec(output)?.[1];
  if (!url) throw new Error(`no Ops line in the collector's output:\n${output}`);
  return url;
};

/** Attempt events a collector still holds (in memory or in its disk spool), from its /metrics. */
async function undelivered(metrics: string): Promise<number> {
  const text = await (await fetch(metrics)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return gauge('switchyard_emission_in_memory') + gauge('switchyard_emission_spool_events');
}

/** Spool segments left in a collector's data directory: events kept for a next start. */
const spooled = (dataDir: string): string[] =>
  existsSync(join(dataDir, 'spool')) ? readdirSync(join(dataDir, 'spool')).filter((f) => f.endsWith('.jsonl')) : [];

test(
  'three collectors hold one hard budget: concurrent clients, a collector restart, the grantor down 30 s',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set', timeout: 600_000 },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-budget-'));
    const sim = await startSimulator({ seed: 5 });
    const suffix = crypto.randomUUID().slice(0, 8);
    const routes = {
      ...simulatedRoutes((u, k) => sim.baseUrl(u, k)),
      budgets: { default_max_tokens: 60, limits: [], calendar: [{ id: 'attack', scope: 'key', match: '*', period: 'day', limit_usd: String(LIMIT_USD) }] },
    };
    const routesFile = join(data, 'routes.json');
    writeFileSync(routesFile, JSON.stringify(routes));
    const env = {
      KAFKA_BROKERS: brokers!,
      KAFKA_TOPIC: `llm.attempts.v1.budget-${suffix}`,
      KAFKA_GROUP_ID: `budget-${suffix}`,
      SWITCHYARD_CONFIG: routesFile,
      SWITCHYARD_SIMULATOR_KEY: 'sim',
    };
    // Both the API and collector 1 are restarted on their ports.
    const apiPort = await restartablePort();
    const startBackend = () =>
      startCli(['ingest', 'policy', 'api'], { ...env, SWITCHYARD_DATA: join(data, 'store'), SWITCHYARD_API_PORT: String(apiPort) }, /GraphQL:\s+http/, 180_000);
    let backend = await startBackend();
    // Every process's output, kept for the failure message (a restart adds a new entry).
    const logs: Array<{ name: string; output: () => string }> = [{ name: 'backend', output: backend.output }];
    const apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const ports = [await restartablePort(), await restartablePort(), await restartablePort()];
    const startCollector = (i: number) =>
      startCli(
        ['collector'],
        { ...env, SWITCHYARD_PORT: String(ports[i]), SWITCHYARD_API_URL: apiUrl, SWITCHYARD_DATA: join(data, `c${i}`) },
        // The Ops line comes last: the test reads the collector's /metrics from it.
        /Ops:\s+http\S+\/metrics/,
        180_000,
      );
    const collectors = await Promise.all([0, 1, 2].map(startCollector));
    collectors.forEach((c, i) => logs.push({ name: `collector ${i}`, output: c.output }));
    const statuses = new Map<number, number>();
    let stopClients = false;
    const client = async (n: number) => {
      while (!stopClients) {
        const r = await fetch(`http://127.0.0.1:${ports[n % 3]}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer attacker-key' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `spend ${n}` }], max_tokens: 60 }),
        }).catch(() => null);
        if (r) {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          await r.text();
          if (r.status === 429) await new Promise((res) => setTimeout(res, 500));
        } else await new Promise((res) => setTimeout(res, 200));
      }
    };
    let clients: Array<Promise<void>> = [];
    try {
      clients = Array.from({ length: 100 }, (_, n) => client(n));
      // Mid-period: collector 1 is stopped and restarted on its port (same collector id).
      await new Promise((r) => setTimeout(r, 8_000));
      collectors[1]!.child.kill('SIGTERM');
      await collectors[1]!.exited;
      collectors[1] = await startCollector(1);
      logs.push({ name: 'collector 1 (restarted)', output: collectors[1].output });
      // The grantor away for 30 s: collectors spend only the leases they hold.
      backend.child.kill('SIGTERM');
      await backend.exited;
      await new Promise((r) => setTimeout(r, 30_000));
      backend = await startBackend();
      logs.push({ name: 'backend (restarted)', output: backend.output });
      await new Promise((r) => setTimeout(r, 10_000));
      stopClients = true;
      await Promise.all(clients);
      // A collector is stopped only once its publisher holds nothing. One that closes with the
      // broker behind (a loaded machine: sends slower than its 10 s close timeout) keeps the rest
      // in its disk spool for its next start — and these collectors have none, so the store would
      // never catch up with what the providers served (the ingest wait below timed out).
      for (const [i, c] of collectors.entries())
        await until(`collector ${i} to hand every event to the broker`, async () => (await undelivered(metricsUrl(c.output()))) === 0, 120_000);
      for (const c of collectors) c.child.kill('SIGTERM');
      await Promise.all(collectors.map((c) => c.exited));
      const kept = [0, 1, 2].flatMap((i) => spooled(join(data, `c${i}`)).map((f) => `c${i}/${f}`));
      assert.deepEqual(kept, [], 'no collector left events in its spool');

      const served = Object.values(simulatedUpstreams).reduce((n, u) => n + sim.stats(u).requests, 0);
      type Report = { costs: { total: { attempts: string; requestsServed: string; costUsd: string } } };
      const query = 'query($from: DateTime!, $to: DateTime!) { costs(from: $from, to: $to) { total { attempts requestsServed costUsd } } }';
      const hour = 3_600_000;
      const vars = {
        from: new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString(),
        to: new Date(Math.floor(Date.now() / hour) * hour + 2 * hour).toISOString(),
      };
      type Budgets = { budgets: Array<{ id: string; subject: string; spent: string; limit: string }> };
      let last: unknown = null;
      const report = await until(
        'ingest to store every served request',
        async () => {
          const r = await graphql<Report>(apiUrl, query, vars);
          last = { ...r.costs.total, served, statuses: [...statuses] };
          return Number(r.costs.total.requestsServed) >= served ? r : null;
        },
        300_000,
      ).catch((err: Error) => {
        const dump = join(tmpdir(), `switchyard-budget-logs-${suffix}.txt`);
        writeFileSync(dump, logs.map((l) => `===== ${l.name}\n${l.output()}`).join('\n'));
        throw new Error(`${err.message}; last stored totals ${JSON.stringify(last)}; process output in ${dump}`);
      });
      const spent = Number(report.costs.total.costUsd);
      assert.ok(spent > 0, 'the attack spent something');
      assert.ok(spent <= LIMIT_USD, `spend of record ${spent} stays within the limit ${LIMIT_USD}; statuses ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(429) ?? 0) > 0, `the budget refused requests: ${JSON.stringify([...statuses])}`);
      const b = await graphql<Budgets>(apiUrl, 'query { budgets { id subject spent limit } }', {});
      const attack = b.budgets.find((x) => x.id === 'attack' && x.subject.startsWith('key_'));
      assert.ok(attack && Number(attack.spent) <= LIMIT_USD, JSON.stringify(b));
      // Nothing paid for is unrecorded: every call a provider answered is a served request in the
      // store, and every 200 a client got is one of them.
      assert.equal(
        Number(report.costs.total.requestsServed),
        served,
        `${report.costs.total.requestsServed} served requests stored for ${served} provider calls`,
      );
      assert.equal(statuses.get(200) ?? 0, served);
    } finally {
      // Everything this test started goes, whatever failed: a process left behind keeps the file alive.
      stopClients = true;
      for (const c of collectors) c.child.kill('SIGKILL');
      backend.child.kill('SIGTERM');
      const grace = setTimeout(() => backend.child.kill('SIGKILL'), 30_000);
      await backend.exited;
      clearTimeout(grace);
      await Promise.all(clients);
      await sim.close();
      rmSync(data, { recursive: true, force: true });
    }
  },
);
