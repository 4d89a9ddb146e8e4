import { parseArgs } from 'node:util';
import { firstSuccessMs, run, type RunResult } from './overhead-load.ts';
import { startOtlpSink, startServers, startSwitchyard, stopAll, writeRoutes } from './overhead-targets.ts';

// Where in a run the collector's tail comes from: open-loop latency per window (250 ms by default)
// of the collector alone (events to Kafka, OTLP traces to a local sink, a per-key budget), for
// several runs on the same process after a short warm-up, beside the bare proxy driven the same
// way first (so the mock upstream is warm for the collector). Run 1 is the collector's first
// contact with the rate: a start-up transient shows in its first windows and not in run 2.
// Prints one JSON object.
//   KAFKA_BROKERS=127.0.0.1:9092 node --import tsx bench/overhead-timeline.ts --rate 1000 --seconds 4 --runs 2

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '4' },
    runs: { type: 'string', default: '2' },
    'warm-rate': { type: 'string', default: '100' },
    'warm-seconds': { type: 'string', default: '2' },
    'window-ms': { type: 'string', default: '250' },
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

/** Warms a target at the low rate, then drives it `runs` times at the rate, window by window. */
async function drive(url: string, runs: number): Promise<RunResult[]> {
  await run({ url }, Number(values['warm-rate']), Number(values['warm-seconds']));
  const out: RunResult[] = [];
  for (let i = 0; i < runs; i++) out.push(await run({ url }, RATE, SECONDS, WINDOW_MS));
  return out;
}

/** The windows after the first second: the steady state once any start-up transient is over. */
function steadyP99(r: RunResult): number {
  return Math.max(0, ...(r.windows ?? []).filter((w) => w.t_ms >= 1000).map((w) => w.p99_us));
}

function printHuman(name: string, r: RunResult): void {
  console.log(`${name}: p50 ${r.p50_us / 1000} ms  p99 ${r.p99_us / 1000} ms  max ${r.max_us / 1000} ms  (${r.achieved_rps} req/s)`);
  for (const w of r.windows ?? [])
    console.log(`  ${(w.t_ms / 1000).toFixed(2)} s  n ${w.n}  p50 ${w.p50_us / 1000}  p99 ${w.p99_us / 1000}  max ${w.max_us / 1000}`);
}

async function main(): Promise<void> {
  const sink = await startOtlpSink();
  const { upstream, proxy } = await startServers();
  const routes = writeRoutes(upstream);
  const bare = values['no-bare'] ? null : (await drive(`${proxy}/v1/chat/completions`, 1))[0]!;
  const collector = await startSwitchyard({
    command: 'collector',
    routes,
    nodeArgs: values['node-args']!.split(' ').filter(Boolean),
    env: {
      KAFKA_BROKERS: kafka,
      KAFKA_TOPIC: `llm.attempts.v1.timeline-${Date.now()}`,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...(JSON.parse(values.env!) as Record<string, string>),
    },
  });
  collector.ready.catch(() => {});
  const firstOk = await firstSuccessMs(collector.endpoint, collector.spawnedAt);
  const runs = await drive(collector.endpoint.url, Number(values.runs));
  sink.close();
  if (values.human) {
    if (bare) printHuman('bare proxy', bare);
    runs.forEach((r, i) => printHuman(`collector run ${i + 1}`, r));
    return;
  }
  console.log(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      window_ms: WINDOW_MS,
      warm_up: { rate: Number(values['warm-rate']), seconds: Number(values['warm-seconds']) },
      first_ok_ms: firstOk,
      bare_proxy: bare,
      collector_runs: runs,
      // Run 1 holds the first contact with the rate; the steady figure leaves its first second out.
      first_run_p99_minus_bare_proxy_us: bare ? runs[0]!.p99_us - bare.p99_us : null,
      steady_p99_us: runs.map(steadyP99),
      steady_p99_minus_bare_proxy_us: bare ? runs.map((r) => steadyP99(r) - steadyP99(bare)) : null,
    }),
  );
}

try {
  await main();
} finally {
  await stopAll();
}
process.exit(0);
