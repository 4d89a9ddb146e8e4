import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { simulatedRoutes, SIMULATOR_KEY_ENV } from '../cli/default-routes.ts';
import { startSimulator } from '../collector/simulator/index.ts';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { startAll } from './support/cli-process.ts';
import { scalar } from './support/embedded-store.ts';
import { until } from './support/wait.ts';

// `switchyard all` as users start it (the storage process is the default): what one process does
// by a call must still happen across the process boundary — a routes-file reload reaches the
// storage side (its calendar budgets are stored, its audit row is written by the child to
// deployment_audit_v1), and the collector's /healthz and /metrics carry ingest's health and metrics.

const graphql = async <T>(url: string, query: string): Promise<T> => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await r.json()) as { data?: T; errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data!;
};

test(
  'the default `switchyard all`: reloads reach the storage process, their audit is stored, /healthz and /metrics show ingest',
  { timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-default-split-'));
    const sim = await startSimulator({ seed: 5 });
    const file = join(dir, 'routes.json');
    const base = simulatedRoutes((u, k) => sim.baseUrl(u, k));
    const write = (routes: unknown, bumpS: number) => {
      writeFileSync(file, JSON.stringify(routes));
      const t = new Date(Date.now() + bumpS * 1000);
      utimesSync(file, t, t);
    };
    write({ routes: base.routes }, 0);
    const app = await startAll(file, join(dir, 'data'), { [SIMULATOR_KEY_ENV]: 'k' });
    const { baseUrl, apiUrl, opsUrl } = app;
    try {
      assert.match(app.output(), /events: to a storage process/);
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: `q${i}` }] }),
        });
        assert.equal(r.status, 200, await r.text());
      }
      type Health = { ok: boolean; checks: { ingest?: { stored: number }; storage_process?: { pid: number; ready: boolean; scheduling: 'idle' | 'nice' } } };
      const health = await until('ingest to report the three attempts on the collector /healthz', async () => {
        const r = await fetch(`${opsUrl}/healthz`);
        const h = (await r.json()) as Health;
        return r.status === 200 && h.checks.ingest?.stored === 3 ? h : null;
      });
      assert.equal(health.checks.storage_process?.ready, true);
      // Ingest's metrics from the child on the collector's /metrics, as one process serves them.
      const metrics = await (await fetch(`${opsUrl}/metrics`)).text();
      assert.match(metrics, /switchyard_ingest_rows_total(\{[^}]*\})? 3\b/);
      assert.match(metrics, /switchyard_collector_overhead[a-z_]*_count(\{[^}]*\})? 3\b/);
      assert.equal((metrics.match(/^# TYPE target_info /gm) ?? []).length, 1, 'one target_info family');
      assert.notEqual(health.checks.storage_process?.pid, app.child.pid, 'ingest runs in the child');
      // The storage process's memory by part, so a soak can tell V8's heap from the engine's.
      const memory = Object.fromEntries(
        [...metrics.matchAll(/^switchyard_storage_memory\{switchyard_memory_part="(\w+)"[^}]*\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
      );
      assert.deepEqual(Object.keys(memory).sort(), ['clickhouse_tracked', 'rss_anon', 'rss_file', 'v8_external', 'v8_heap_total', 'v8_heap_used'], metrics);
      // libchdb.so's code is mapped in the child, not in the collector: hundreds of MB of file-backed memory.
      assert.ok(memory.rss_file! > 100 * 1024 * 1024 && memory.clickhouse_tracked! > 0 && memory.rss_anon! > memory.v8_heap_used!, JSON.stringify(memory));
      // Storage work yields the CPU to requests: SCHED_IDLE where chrt works (field 41 of /proc/<pid>/stat is the policy, 5), else niceness 19.
      const child = health.checks.storage_process!;
      if (child.scheduling === 'idle') assert.equal(readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[38], '5');
      else assert.equal(getPriority(child.pid), 19);
      // Its heap is bounded so memory stays flat under steady load (STORAGE_NODE_ARGS).
      const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(
        argv.includes('--max-semi-space-size=32') && argv.includes('--min-semi-space-size=32') && argv.includes('--heap-growing-percent=20'),
        `storage process runs with a bounded heap: ${argv.join(' ')}`,
      );
      // …and a fixed glibc mmap threshold, so freed large buffers leave its memory (storageMallocEnv).
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('MALLOC_MMAP_THRESHOLD_=131072'), 'storage process runs with a fixed mmap threshold');

      const calendar = [{ id: 'reloaded-month', scope: 'team', match: 'search', period: 'month', limit_usd: '5' }];
      write({ routes: base.routes, budgets: { calendar } }, 2);
      type Budgets = { budgets: Array<{ id: string }> };
      await until(
        'the reloaded calendar budget stored by the storage process',
        async () => (await graphql<Budgets>(apiUrl, '{ budgets { id } }')).budgets.some((b) => b.id === 'reloaded-month'),
        60_000,
      );
      type Audit = { deploymentAudit: { entries: Array<{ kind: string; pid: number }> } };
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const audit = await until(
        'the reload in deployment_audit_v1',
        async () => {
          const d = await graphql<Audit>(apiUrl, `{ deploymentAudit(from: "${from}", to: "${to}", first: 10) { entries { kind pid } } }`);
          return d.deploymentAudit.entries.find((e) => e.kind === 'ROUTES_RELOAD') ?? null;
        },
        60_000,
      );
      assert.equal(audit.pid, app.child.pid, 'the collector (which applied the reload) is named, not the storage process');
    } finally {
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0, app.output());
      await sim.close();
    }
    assert.match(app.output(), /stopped cleanly \(3 attempts stored this run\)/);
    const client = createClickHouse({ kind: 'embedded', path: join(dir, 'data', 'clickhouse') });
    try {
      assert.equal(Number(await scalar(client, "SELECT count() FROM deployment_audit_v1 WHERE kind = 'routes_reload'")), 1);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
