import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backlogOf, fetchEmission } from './overhead-embedded-emission.ts';
import { firstSuccessMs, run, type RunResult } from './overhead-load.ts';
import { freePort, start, startScriptNodeArgs, startServers, stopAll, writeRoutes } from './overhead-targets.ts';

// Where the embedded default's tail comes from: `switchyard all` (collector + storage process)
// driven open loop, window by window (250 ms), for several runs after a warm-up, beside the bare
// proxy driven the same way first. Each window also carries the CPU both processes used in it, and
// the storage process's CPU split by thread kind (Node main thread, chDB merges, chDB inserts and
// queries, the rest), so a stall can be laid beside the storage work that ran at the same time.
// `--before DIR` starts another checkout (e.g. a `git worktree` of HEAD with node_modules linked)
// the same way, driven right after this one at each run: before and after side by side.
// Prints one JSON object.
//   node --import tsx bench/overhead-embedded-timeline.ts --rate 1000 --seconds 5 --runs 2 [--before /tmp/sy-head]

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '2' },
    'warm-rate': { type: 'string', default: '100' },
    'warm-seconds': { type: 'string', default: '2' },
    /** Idle seconds between the warm-up and the first run (bench:overhead leaves ~30 s between a target's runs at two rates). */
    'gap-seconds': { type: 'string', default: '0' },
    'window-ms': { type: 'string', default: '250' },
    before: { type: 'string' },
    /** Extra environment for the switchyard processes, as a JSON object. */
    env: { type: 'string', default: '{}' },
    /** Node options for the collector process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"), space-separated; the storage process does not inherit them. */
    'node-args': { type: 'string', default: '' },
    human: { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WINDOW_MS = Number(values['window-ms']);
const TICK_MS = 1000 / 100; // USER_HZ on Linux

/** CPU ms used so far by each thread of a process (utime + stime of /proc/<pid>/task/<tid>/stat), with its kind as named now. */
function cpuByThread(pid: number): Map<string, { kind: string; ms: number }> {
  const out = new Map<string, { kind: string; ms: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      out.set(tid, { kind: tid === String(pid) ? 'main' : threadKind(comm), ms: (Number(f[11]) + Number(f[12])) * TICK_MS });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/**
 * CPU ms per thread kind between two samples. Each thread's own increase is charged to the kind
 * it has now: chDB renames a libuv thread while it runs a query, and summing by kind at each
 * sample moved the thread's whole history from one kind to another (negative windows).
 */
function cpuDelta(now: Map<string, { kind: string; ms: number }>, last: Map<string, { kind: string; ms: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [tid, t] of now) out[t.kind] = (out[t.kind] ?? 0) + t.ms - (last.get(tid)?.ms ?? 0);
  return Object.fromEntries(Object.entries(out).map(([kind, ms]) => [kind, Math.round(ms)]));
}

/** ClickHouse names its threads by pool; merges and inserts are what a stall would line up with. */
function threadKind(comm: string): string {
  if (/Merge|Mutat|BgSch|BgMove|BgFetch|BgCommon/i.test(comm)) return 'chdb_background';
  // chDB runs a query on the libuv thread that called it, which ClickHouse renames `Unknown`; parsing an insert fans out to RuntimeData/ChunkParser.
  if (/^Unknown$|RuntimeData|ChunkParser|QueryPipeline|QueryPull|ThreadPool|chdb/i.test(comm)) return 'chdb_query';
  if (/libuv|worker|V8|node/i.test(comm)) return 'node_workers';
  return 'other';
}

function childPid(pid: number): number | null {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : null;
  } catch {
    return null;
  }
}

interface CpuWindow {
  t_ms: number;
  collector_cpu_ms: number;
  /** The collector's CPU by thread: `main` (the event loop) and `node_workers` (V8's compiler and GC helpers, libuv's pool; Node names them all `node`). */
  collector_threads_ms: Record<string, number>;
  storage_cpu_ms: Record<string, number>;
}

/** Samples CPU per window while `work` runs; windows aligned with run()'s (it starts 50 ms after the call). */
async function withCpu<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuWindow[] }> {
  const child = childPid(pid);
  const none = new Map<string, { kind: string; ms: number }>();
  const total = (m: Map<string, { ms: number }>) => [...m.values()].reduce((a, b) => a + b.ms, 0);
  let last = { c: cpuByThread(pid), s: child ? cpuByThread(child) : none };
  const cpu: CpuWindow[] = [];
  const t0 = performance.now() + 50;
  let k = 0;
  const timer = setInterval(() => {
    const c = cpuByThread(pid);
    const s = child ? cpuByThread(child) : none;
    cpu.push({
      t_ms: k++ * WINDOW_MS,
      collector_cpu_ms: Math.round(total(c) - total(last.c)),
      collector_threads_ms: cpuDelta(c, last.c),
      storage_cpu_ms: cpuDelta(s, last.s),
    });
    last = { c, s };
  }, WINDOW_MS);
  await new Promise((r) => setTimeout(r, Math.max(0, t0 - performance.now())));
  try {
    return { result: await work(), cpu };
  } finally {
    clearInterval(timer);
  }
}

interface Embedded {
  name: string;
  url: string;
  opsUrl: string;
  pid: number;
  first_ok_ms: number | null;
}

async function startAll(name: string, root: string, routes: string, dataDir: string): Promise<Embedded> {
  const port = await freePort();
  const env = {
    SWITCHYARD_CONFIG: routes,
    SWITCHYARD_DATA: dataDir,
    SWITCHYARD_PORT: String(port),
    SWITCHYARD_API_PORT: String(await freePort()),
    SWITCHYARD_OPS_PORT: String(await freePort()),
    BENCH_UPSTREAM_KEY: 'k',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    KAFKA_BROKERS: undefined,
    ...(JSON.parse(values.env!) as Record<string, string>),
  };
  const spawnedAt = performance.now();
  const nodeArgs = values['node-args']!.split(' ').filter(Boolean);
  const started = start(
    process.execPath,
    [...startScriptNodeArgs(root), ...nodeArgs, join(root, 'bin', 'switchyard.js'), 'all'],
    env,
    /OpenAI base URL: (\S+)/,
  );
  started.catch(() => {});
  await new Promise((r) => setImmediate(r));
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const first_ok_ms = await firstSuccessMs({ url }, spawnedAt);
  const { child } = await started;
  // Readiness: the storage process migrated and listens (events before it wait in the collector).
  const opsUrl = `http://127.0.0.1:${env.SWITCHYARD_OPS_PORT}`;
  while (
    (await fetch(`${opsUrl}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  )
    await new Promise((r) => setTimeout(r, 200));
  return { name, url, opsUrl, pid: child.pid!, first_ok_ms };
}

const dataDirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-embedded-timeline-'));
  dataDirs.push(d);
  return d;
}

type Timed = RunResult & {
  cpu: CpuWindow[];
  /** CPU per answered request over the run, µs: the collector process, and the storage process (all its threads). */
  collector_cpu_us_per_req: number;
  storage_cpu_us_per_req: number;
  /** Events the storage process stored during the run, and its CPU per stored event, µs (what it costs to keep up). */
  stored: number | null;
  storage_cpu_us_per_stored: number | null;
  /** Events published but not yet stored by the storage process right after the run (it keeps up when this stays small run after run). */
  backlog_after: number | null;
};

async function drive(t: Embedded): Promise<Timed> {
  const before = await fetchEmission(t.opsUrl);
  const { result, cpu } = await withCpu(t.pid, () => run({ url: t.url }, RATE, SECONDS, WINDOW_MS));
  const after = await fetchEmission(t.opsUrl);
  const stored = after.stored !== null && before.stored !== null ? after.stored - before.stored : null;
  const per = (ms: number) => Math.round((ms * 1000) / Math.max(1, result.completed));
  const storageMs = cpu.reduce((a, c) => a + Object.values(c.storage_cpu_ms).reduce((x, y) => x + y, 0), 0);
  return {
    ...result,
    cpu,
    collector_cpu_us_per_req: per(cpu.reduce((a, c) => a + c.collector_cpu_ms, 0)),
    storage_cpu_us_per_req: per(storageMs),
    stored,
    storage_cpu_us_per_stored: stored ? Math.round((storageMs * 1000) / stored) : null,
    backlog_after: backlogOf(after),
  };
}

function steadyP99(r: RunResult): number {
  return Math.max(0, ...(r.windows ?? []).filter((w) => w.t_ms >= 1000).map((w) => w.p99_us));
}

function printHuman(name: string, r: Timed): void {
  const sum = (f: (c: CpuWindow) => number) => r.cpu.reduce((a, c) => a + f(c), 0);
  const storage = sum((c) => Object.values(c.storage_cpu_ms).reduce((a, b) => a + b, 0));
  const kinds: Record<string, number> = {};
  for (const c of r.cpu) for (const [k, v] of Object.entries(c.storage_cpu_ms)) kinds[k] = (kinds[k] ?? 0) + v;
  console.log(
    `${name}: p50 ${r.p50_us / 1000} ms  p99 ${r.p99_us / 1000} ms  max ${r.max_us / 1000} ms  seen after p99 ${(r.seen_after_p99_us ?? NaN) / 1000} ms  (${r.achieved_rps} req/s)  cpu: collector ${sum((c) => c.collector_cpu_ms)} ms, storage ${storage} ms  backlog after: ${r.backlog_after}`,
  );
  console.log(
    `  per request: collector ${r.collector_cpu_us_per_req} µs, storage ${r.storage_cpu_us_per_req} µs; stored ${r.stored}, storage ${r.storage_cpu_us_per_stored} µs per stored event (${Object.entries(
      kinds,
    )
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')})`,
  );
  (r.windows ?? []).forEach((w, i) => {
    const c = r.cpu[i];
    const storage = c
      ? Object.entries(c.storage_cpu_ms)
          .map(([k, v]) => `${k} ${v}`)
          .join(' ')
      : '';
    console.log(
      `  ${(w.t_ms / 1000).toFixed(2)} s  p50 ${w.p50_us / 1000}  p99 ${w.p99_us / 1000}  max ${w.max_us / 1000}  seen after p99 ${(w.seen_after_p99_us ?? NaN) / 1000}  | collector ${c?.collector_cpu_ms ?? '?'} ms  storage: ${storage}`,
    );
  });
}

async function main(): Promise<void> {
  const { upstream, proxy } = await startServers();
  const routes = writeRoutes(upstream);
  const bareUrl = `${proxy}/v1/chat/completions`;
  await run({ url: bareUrl }, Number(values['warm-rate']), Number(values['warm-seconds']));
  const bare = await run({ url: bareUrl }, RATE, SECONDS, WINDOW_MS);
  const root = join(import.meta.dirname, '..');
  const targets = [await startAll('after', root, routes, dataDir())];
  if (values.before) targets.push(await startAll('before', values.before, routes, dataDir()));
  for (const t of targets) await run({ url: t.url }, Number(values['warm-rate']), Number(values['warm-seconds']));
  await new Promise((r) => setTimeout(r, Number(values['gap-seconds']) * 1000));
  const runs: Record<string, Timed[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let i = 0; i < Number(values.runs); i++) for (const t of targets) runs[t.name]!.push(await drive(t));
  if (values.human) {
    console.log(`bare proxy: p50 ${bare.p50_us / 1000} ms  p99 ${bare.p99_us / 1000} ms`);
    for (const t of targets) runs[t.name]!.forEach((r, i) => printHuman(`${t.name} run ${i + 1}`, r));
    return;
  }
  console.log(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      window_ms: WINDOW_MS,
      bare_proxy: { p50_us: bare.p50_us, p99_us: bare.p99_us, steady_p99_us: steadyP99(bare) },
      targets: Object.fromEntries(
        targets.map((t) => [
          t.name,
          {
            first_ok_ms: t.first_ok_ms,
            runs: runs[t.name],
            p99_minus_bare_proxy_us: runs[t.name]!.map((r) => r.p99_us - bare.p99_us),
            p50_minus_bare_proxy_us: runs[t.name]!.map((r) => r.p50_us - bare.p50_us),
            steady_p99_us: runs[t.name]!.map(steadyP99),
          },
        ]),
      ),
    }),
  );
}

try {
  await main();
} finally {
  await stopAll();
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
}
process.exit(0);
