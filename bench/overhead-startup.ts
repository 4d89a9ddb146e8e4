import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { childRssMb, heapMb, rssMb } from './overhead-process-stats.ts';
import { startScriptNodeArgs } from './overhead-targets.ts';
import { freeStartPorts, readmeStartEnv } from '../test/support/readme-start.ts';

// The README's main command, cold: `switchyard all` with no routes file and no provider keys (the
// built-in simulator answers), on a fresh data directory. Per run: spawn to the first 200 of a
// chat request, to /readyz 200 (ops port and collector port), to the first GraphQL answer, and
// whether a GraphQL query sent the moment /readyz said ready succeeded; then, idle, the RSS and V8
// heap of the collector process (the one `npm start` runs) and the RSS of its storage child.
// With --record-imports, the collector process's loaded modules are counted and the storage-side
// packages among them named. Prints one JSON object. `--root DIR` measures another checkout.

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'idle-seconds': { type: 'string', default: '10' },
    'record-imports': { type: 'boolean', default: false },
    root: { type: 'string', default: join(import.meta.dirname, '..') },
  },
});
const root = resolve(values.root);
const rootUrl = `${pathToFileURL(root).href}/`;
/** Packages (under node_modules) and source folders of the measured tree that belong to the storage process. */
const STORAGE_SIDE = ['chdb', '@clickhouse/client', 'graphql-yoga', 'graphql', 'kafkajs', 'api/', 'ingest/', 'policy/policy-service.ts'];
const isStorageSide = (url: string, s: string) => (s.endsWith('/') || s.endsWith('.ts') ? url.startsWith(rootUrl + s) : url.includes(`/node_modules/${s}/`));

interface StartupRun {
  first_ok_ms: number | null;
  ops_ready_ms: number | null;
  collector_ready_ms: number | null;
  graphql_ok_ms: number | null;
  /** A GraphQL query sent as soon as the ops /readyz said 200: did it succeed? */
  graphql_ok_at_ready: boolean | null;
  idle_rss_mb: number;
  idle_heap_mb: number | null;
  idle_child_rss_mb: number;
  modules?: { count: number; storage_side: string[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(url: string, init?: RequestInit): Promise<number> {
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    const text = await r.text();
    if (url.endsWith('/graphql')) return r.status === 200 && text.includes('"data"') ? 200 : 500;
    return r.status;
  } catch {
    return 0;
  }
}

/** Milliseconds from `t0` until `probe` answers 200, polling every 10 ms; null after 120 s. */
async function until200(t0: number, probe: () => Promise<number>): Promise<number | null> {
  while (performance.now() - t0 < 120_000) {
    if ((await probe()) === 200) return Math.round(performance.now() - t0);
    await sleep(10);
  }
  return null;
}

async function once(): Promise<StartupRun> {
  const { port, apiPort, opsPort } = await freeStartPorts();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
  const importLog = join(dir, 'imports.log');
  const env = readmeStartEnv(
    dir,
    { port, apiPort, opsPort },
    {
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      ...(values['record-imports'] ? { SWITCHYARD_IMPORT_LOG: importLog } : {}),
    },
  );
  const recorder = values['record-imports'] ? ['--import', join(import.meta.dirname, '..', 'test', 'support', 'import-recorder.mjs')] : [];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...startScriptNodeArgs(root), ...recorder, join(root, 'bin', 'switchyard.js'), 'all'], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const chat = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    const graphqlUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const query = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) };
    const opsReady = until200(t0, () => status(`http://127.0.0.1:${opsPort}/readyz`)).then(async (ms) => ({
      ms,
      graphqlAtReady: ms === null ? null : (await status(graphqlUrl, query)) === 200,
    }));
    const [first, ops, collectorReady, graphql] = await Promise.all([
      until200(t0, () =>
        status(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat }),
      ),
      opsReady,
      until200(t0, () => status(`http://127.0.0.1:${port}/readyz`)),
      until200(t0, () => status(graphqlUrl, query)),
    ]);
    await sleep(Number(values['idle-seconds']) * 1000);
    const pid = child.pid!;
    const run: StartupRun = {
      first_ok_ms: first,
      ops_ready_ms: ops.ms,
      collector_ready_ms: collectorReady,
      graphql_ok_ms: graphql,
      graphql_ok_at_ready: ops.graphqlAtReady,
      idle_rss_mb: rssMb(pid),
      idle_heap_mb: await heapMb(`http://127.0.0.1:${opsPort}`),
      idle_child_rss_mb: childRssMb(pid),
    };
    if (values['record-imports']) {
      const urls = [...new Set(readFileSync(importLog, 'utf8').split('\n').filter(Boolean))];
      run.modules = {
        count: urls.length,
        storage_side: STORAGE_SIDE.filter((s) => urls.some((u) => isStorageSide(u, s))),
      };
    }
    return run;
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: Array<number | null>): number | null => {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor(v.length / 2)]!;
};

const runs: StartupRun[] = [];
for (let i = 0; i < Number(values.runs); i++) runs.push(await once());
const keys = ['first_ok_ms', 'ops_ready_ms', 'collector_ready_ms', 'graphql_ok_ms', 'idle_rss_mb', 'idle_heap_mb', 'idle_child_rss_mb'] as const;
console.log(
  JSON.stringify({
    root,
    runs: runs.length,
    idle_seconds: Number(values['idle-seconds']),
    median: Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])),
    graphql_ok_at_ready: runs.map((r) => r.graphql_ok_at_ready),
    by_run: runs,
  }),
);
