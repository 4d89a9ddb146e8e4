import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstSuccessMs, run } from './overhead-load.ts';
import { freePort, startOtlpSink, startServers, stopAll, writeRoutes } from './overhead-targets.ts';

// Profiles the collector alone (`switchyard collector`, attempt events to Kafka, OTel traces
// exported over OTLP to a local sink, a per-key budget) at a fixed open-loop rate: a V8 CPU
// profile (--cpu-prof) and the GC trace (--trace-gc), summarised as one JSON object: the top
// functions by self time and GC pauses by kind. The bare proxy is driven in the same run.
//   KAFKA_BROKERS=127.0.0.1:9092 node --import tsx bench/overhead-profile.ts --out /tmp/prof --rate 1000 --seconds 15

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/switchyard-collector-profile' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '15' },
    top: { type: 'string', default: '30' },
  },
});
const kafka = process.env.KAFKA_BROKERS;
if (!kafka) throw new Error('set KAFKA_BROKERS: the collector alone emits to Kafka');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time per function (ms), from a .cpuprofile: samples × mean sample interval. */
function topSelf(file: string, n: number): Array<{ fn: string; self_ms: number; share: number }> {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const intervalMs = (p.endTime - p.startTime) / 1000 / Math.max(1, p.samples.length);
  const counts = new Map<string, number>();
  for (const id of p.samples) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(node_modules|work\/main)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = p.samples.length;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, c]) => ({ fn, self_ms: Math.round(c * intervalMs), share: Math.round((c / total) * 1000) / 1000 }));
}

/** GC pauses by kind from --trace-gc lines of the main isolate ("[pid:isolate] 213 ms: Scavenge 5.1 (5.2) -> 4.7 (6.2) MB, 6.88 / 0.01 ms"). */
function gcSummary(log: string): Record<string, { count: number; total_ms: number; max_ms: number }> {
  const lines = [...log.matchAll(/^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: ([A-Za-z -]+?) [\d.]+ \([\d.]+\) -> [^,]*,\s*([\d.]+) \/ [\d.]+ ms/gm)];
  // The isolate with the most collections is the main thread (tsx's loader thread has its own).
  const perIsolate = new Map<string, number>();
  for (const m of lines) perIsolate.set(m[1]!, (perIsolate.get(m[1]!) ?? 0) + 1);
  const main = [...perIsolate.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const out: Record<string, { count: number; total_ms: number; max_ms: number }> = {};
  for (const m of lines) {
    if (m[1] !== main) continue;
    const s = (out[m[2]!.trim()] ??= { count: 0, total_ms: 0, max_ms: 0 });
    s.count++;
    s.total_ms = Math.round((s.total_ms + Number(m[3])) * 10) / 10;
    s.max_ms = Math.max(s.max_ms, Number(m[3]));
  }
  return out;
}

async function main(): Promise<void> {
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const sink = await startOtlpSink();
  const otlp = sink.url;
  const { upstream, proxy } = await startServers();
  const routes = writeRoutes(upstream);
  const port = await freePort();
  const gcLog = join(out, 'collector-gc.log');
  const fd = openSync(gcLog, 'w');
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${out}`, '--trace-gc', join(import.meta.dirname, '..', 'bin', 'switchyard.js'), 'collector'],
    {
      env: {
        ...process.env,
        SWITCHYARD_CONFIG: routes,
        SWITCHYARD_PORT: String(port),
        SWITCHYARD_OPS_PORT: '0',
        BENCH_UPSTREAM_KEY: 'k',
        KAFKA_TOPIC: `llm.attempts.v1.profile-${Date.now()}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        OTEL_METRICS_EXPORTER: 'none',
      },
      stdio: ['ignore', fd, fd],
    },
  );
  const endpoint = { url: `http://127.0.0.1:${port}/v1/chat/completions` };
  const firstOk = await firstSuccessMs(endpoint, spawnedAt);
  await run(endpoint, 100, 2);
  const collector = await run(endpoint, rate, seconds);
  await run({ url: `${proxy}/v1/chat/completions` }, 100, 1);
  const bare = await run({ url: `${proxy}/v1/chat/completions` }, rate, seconds);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
  sink.close();
  // Thread 0 of the process is the main thread (others are tsx's loader).
  const profile = readdirSync(out)
    .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${child.pid}.0.`))
    .map((f) => join(out, f))
    .pop();
  console.log(
    JSON.stringify({
      rate,
      seconds,
      first_ok_ms: firstOk,
      collector,
      bare_proxy: bare,
      p99_minus_bare_proxy_us: collector.p99_us - bare.p99_us,
      gc: gcSummary(readFileSync(gcLog, 'utf8')),
      top_self: profile ? topSelf(profile, Number(values.top)) : null,
      profile,
    }),
  );
}

try {
  await main();
} finally {
  await stopAll();
}
process.exit(0);
