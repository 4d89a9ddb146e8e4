import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstSuccessMs, run, type RunResult } from './overhead-load.ts';
import { freePort, start, startOtlpSink, startScriptNodeArgs, startServers, stopAll, writeRoutes } from './overhead-targets.ts';

// Where in a run the collector's tail comes from, and what each request costs its event loop:
// open-loop latency per window (250 ms by default) of the collector alone (events to Kafka, OTLP
// traces to a local sink, a per-key budget), for several runs on the same process after a short
// warm-up, beside the bare proxy driven the same way first (so the mock upstream is warm for the
// collector). Each run also carries the CPU the collector's main thread (its event loop) and the
// whole process used per answered request (utime + stime from /proc), and the bare proxy's the
// same way: the figure an optimisation of the hot path moves, much less noisy than latency on a
// shared machine. Run 1 is the collector's first contact with the rate: a start-up transient shows
// in its first windows and not in run 2. `--before DIR` starts another checkout (a `git worktree`
// of an older commit, node_modules linked) the same way and drives it right after this one at each
// run, alternating which goes first: before and after side by side. Prints one JSON object.
//   KAFKA_BROKERS=127.0.0.1:9092 node --import tsx bench/overhead-timeline.ts --rate 1000 --seconds 4 --runs 2 [--before /tmp/cc-before]

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '4' },
    runs: { type: 'string', default: '2' },
    'warm-rate': { type: 'string', default: '100' },
    'warm-seconds': { type: 'string', default: '2' },
    'window-ms': { type: 'string', default: '250' },
    /** Another checkout to drive the same way, run for run (before/after side by side). */
    before: { type: 'string' },
    /** Extra Node options for the collector, space-separated, given with = (e.g. --node-args="--trace-gc --import /tmp/probe.mjs"). */
    'node-args': { type: 'string', default: '' },
    /** Extra environment for the collector, as a JSON object. */
    env: { type: 'string', default: '{}' },
    /** Skip the bare proxy (a diagnosis run that only needs the collector's windows). */
    'no-bare': { type: 'boolean', default: false },
    /** Latency in ms rather than µs, and one line per window: for reading, not for machines. */
    human: { type: 'boolean', default: false },
  },
});
const kafka = process.env.KAFKA_BROKERS;
if (!kafka) throw new Error('set KAFKA_BROKERS: the collector alone emits to Kafka');
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WINDOW_MS = Number(values['window-ms']);
const TICK_MS = 1000 / 100; // USER_HZ on Linux

/** CPU ms (utime + stime) of one thread (`tid`) or of the whole process (`tid` omitted) so far. */
function cpuMs(pid: number, tid?: number): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** The pid of this process's child whose command line contains `marker` (the bare proxy of overhead-servers.ts). */
function childWith(marker: string): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) return Number(d);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return null;
}

/** A run and the CPU its target spent on it: main thread (the event loop) and the whole process, µs per answered request. */
type Timed = RunResult & { main_cpu_us_per_request: number; process_cpu_us_per_request: number; main_thread_utilisation: number };

/** Drives one run at the rate while reading the target's CPU before and after. */
async function timed(url: string, pid: number | null): Promise<Timed> {
  const t0 = performance.now();
  const main0 = pid ? cpuMs(pid, pid) : NaN;
  const proc0 = pid ? cpuMs(pid) : NaN;
  const r = await run({ url }, RATE, SECONDS, WINDOW_MS);
  const wallMs = performance.now() - t0;
  const main = pid ? cpuMs(pid, pid) - main0 : NaN;
  const proc = pid ? cpuMs(pid) - proc0 : NaN;
  const per = (ms: number) => Math.round((ms * 1000) / Math.max(1, r.completed));
  return { ...r, main_cpu_us_per_request: per(main), process_cpu_us_per_request: per(proc), main_thread_utilisation: Math.round((main / wallMs) * 100) / 100 };
}

const dataDirs: string[] = [];

interface Collector {
  name: string;
  url: string;
  pid: number;
  first_ok_ms: number | null;
}

/** `switchyard collector` of the checkout at `root`, cold; resolves once it answered its first 200. */
async function startCollector(name: string, root: string, routes: string, otlp: string): Promise<Collector> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-timeline-'));
  dataDirs.push(dataDir);
  const env = {
    SWITCHYARD_CONFIG: routes,
    SWITCHYARD_DATA: dataDir,
    SWITCHYARD_PORT: String(port),
    SWITCHYARD_OPS_PORT: String(await freePort()),
    BENCH_UPSTREAM_KEY: 'k',
    KAFKA_BROKERS: kafka,
    KAFKA_TOPIC: `llm.attempts.v1.timeline-${name}-${Date.now()}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    OTEL_METRICS_EXPORTER: 'none',
    ...(JSON.parse(values.env!) as Record<string, string>),
  };
  const args = [...startScriptNodeArgs(root), ...values['node-args']!.split(' ').filter(Boolean), join(root, 'bin', 'switchyard.js'), 'collector'];
  const spawnedAt = performance.now();
  const started = start(process.execPath, args, env, /OpenAI base URL: (\S+)/);
  started.catch(() => {});
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const first_ok_ms = await firstSuccessMs({ url }, spawnedAt);
  const { child } = await started;
  return { name, url, pid: child.pid!, first_ok_ms };
}

/** The windows after the first second: the steady state once any start-up transient is over. */
function steadyP99(r: RunResult): number {
  return Math.max(0, ...(r.windows ?? []).filter((w) => w.t_ms >= 1000).map((w) => w.p99_us));
}

function printHuman(name: string, r: Timed): void {
  console.log(
    `${name}: p50 ${r.p50_us / 1000} ms  p99 ${r.p99_us / 1000} ms  max ${r.max_us / 1000} ms  (${r.achieved_rps} req/s)  ` +
      `main thread ${r.main_cpu_us_per_request} µs/req (utilisation ${r.main_thread_utilisation}), process ${r.process_cpu_us_per_request} µs/req`,
  );
  for (const w of r.windows ?? [])
    console.log(`  ${(w.t_ms / 1000).toFixed(2)} s  n ${w.n}  p50 ${w.p50_us / 1000}  p99 ${w.p99_us / 1000}  max ${w.max_us / 1000}`);
}

async function main(): Promise<void> {
  const sink = await startOtlpSink();
  const { upstream, proxy } = await startServers();
  const routes = writeRoutes(upstream);
  const warm = (url: string) => run({ url }, Number(values['warm-rate']), Number(values['warm-seconds']));
  let bare: Timed | null = null;
  if (!values['no-bare']) {
    await warm(`${proxy}/v1/chat/completions`);
    bare = await timed(`${proxy}/v1/chat/completions`, childWith('proxy'));
  }
  const targets = [await startCollector('after', join(import.meta.dirname, '..'), routes, sink.url)];
  if (values.before) targets.push(await startCollector('before', values.before, routes, sink.url));
  for (const t of targets) await warm(t.url);
  const runs: Record<string, Timed[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let i = 0; i < Number(values.runs); i++) {
    // Alternating which checkout goes first, so a drift of the machine's load does not favour one.
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) runs[t.name]!.push(await timed(t.url, t.pid));
  }
  sink.close();
  if (values.human) {
    if (bare) printHuman('bare proxy', bare);
    for (const t of targets) runs[t.name]!.forEach((r, i) => printHuman(`${t.name} run ${i + 1}`, r));
    return;
  }
  console.log(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      window_ms: WINDOW_MS,
      warm_up: { rate: Number(values['warm-rate']), seconds: Number(values['warm-seconds']) },
      bare_proxy: bare,
      targets: Object.fromEntries(
        targets.map((t) => {
          const rs = runs[t.name]!;
          return [
            t.name,
            {
              first_ok_ms: t.first_ok_ms,
              runs: rs,
              main_cpu_us_per_request: rs.map((r) => r.main_cpu_us_per_request),
              // Run 1 holds the first contact with the rate; the steady figure leaves its first second out.
              first_run_p99_minus_bare_proxy_us: bare ? rs[0]!.p99_us - bare.p99_us : null,
              steady_p99_us: rs.map(steadyP99),
              steady_p99_minus_bare_proxy_us: bare ? rs.map((r) => steadyP99(r) - steadyP99(bare)) : null,
            },
          ];
        }),
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
