import { parseArgs } from 'node:util';
import { childRssMb, heapMb, rssMb, settle } from './overhead-process-stats.ts';
import { firstSuccessMs, run, sustained, type Pacing, type RunResult } from './overhead-load.ts';
import { startMemorySampler } from './overhead-soak-sampler.ts';
import { leastSquaresSlope, memoryVerdict, soakSeries, type MemoryVerdict } from './overhead-soak-stats.ts';
import { startPortkey, startServers, startSwitchyard, stopAll, writeRoutes, type Target } from './overhead-targets.ts';

// Open-loop latency at fixed rates, side by side in one run: direct to a fast mock upstream, a bare
// Node proxy, the Portkey gateway (when installed), the collector alone with events to Kafka
// (`shim`, when KAFKA_BROKERS is set) and the embedded default `switchyard all` (`embedded`).
// Each target is started cold: the time to its first answer and its first 10 s are reported apart.
// Prints one JSON object.

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '250,500,1000,2000' },
    seconds: { type: 'string', default: '5' },
    /** Rate of the cold window right after the first answer. */
    'cold-rate': { type: 'string', default: '200' },
    'cold-seconds': { type: 'string', default: '10' },
    /** Extra embedded targets `embedded_<mode>`, each `switchyard all` with SWITCHYARD_STORAGE_PROCESS=<mode> (e.g. inline; `embedded` is the default, child). */
    'embedded-modes': { type: 'string', default: '' },
    /** Skip targets by name (e.g. portkey,direct). */
    skip: { type: 'string', default: '' },
    /** After the rates, hold the embedded default at soak-rate for this long, sampling its RSS (0: no soak). */
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '500' },
    /** Write a V8 CPU profile of the embedded default into this directory (for finding what costs latency). */
    'profile-dir': { type: 'string' },
    /** thread (default): a pacer thread wakes the generator at each instant; spin: the generator spins a core (figures before 2026-11-30 evening). */
    pacing: { type: 'string', default: 'thread' },
    json: { type: 'boolean', default: false },
  },
});
if (values.pacing !== 'thread' && values.pacing !== 'spin') throw new Error(`--pacing must be thread or spin, not ${values.pacing}`);
const PACING: Pacing = values.pacing;
const RATES = values.rates!.split(',').map(Number);
const SECONDS = Number(values.seconds);
const COLD_RATE = Number(values['cold-rate']);
const COLD_SECONDS = Number(values['cold-seconds']);
const SKIP = new Set(values.skip!.split(',').filter(Boolean));
/** Every run also reports each second apart (`windows`), so a transient at its start is seen as one, neither hidden nor blamed on the steady state. */
const WINDOW_MS = 1000;

interface SoakReport {
  rate: number;
  seconds: number;
  /** Every 10 s: RSS of the serving process and of its storage child (0 without one), MB; V8 heap in use of the serving process, MB. */
  samples: Array<{ t_s: number; rss_mb: number; child_rss_mb: number; heap_mb: number | null }>;
  /** Least-squares slopes after the first minute (JIT, pools and caches warm), MB per minute: a leak shows as a steady positive slope. */
  rss_slope_mb_per_min: number;
  child_rss_slope_mb_per_min: number;
  heap_slope_mb_per_min: number | null;
  rss_growth_mb_after_first_minute: number;
  /** The leak verdict from memory sampled every 2 s: slope of the per-minute floors, `memory_flat` (rule in overhead-soak-stats.ts). */
  memory: MemoryVerdict;
  errors: number;
  p99_us_per_window: number[];
}

/** Holds a target at a steady rate, sampling RSS (it and its storage child) and V8 heap every 10 s: flat means no leak per request. */
async function runSoak(target: Target): Promise<SoakReport | null> {
  const seconds = Number(values['soak-seconds']);
  const rate = Number(values['soak-rate']);
  if (!(seconds > 0)) return null;
  const sample = async (t_s: number) => ({ t_s, rss_mb: rssMb(target.pid), child_rss_mb: childRssMb(target.pid), heap_mb: await heapMb(target.opsUrl) });
  const memory = startMemorySampler(target, performance.now());
  const samples = [await sample(0)];
  const p99s: number[] = [];
  let errors = 0;
  for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
    const r = await run(target.endpoint, rate, Math.min(10, seconds - elapsed), { pacing: PACING });
    errors += r.errors;
    p99s.push(r.p99_us);
    samples.push(await sample(Math.min(seconds, elapsed + 10)));
  }
  const memorySamples = await memory.stop();
  const warm = samples.filter((s) => s.t_s >= 60);
  const slope = (pick: (s: SoakReport['samples'][number]) => number | null) => {
    const fit = leastSquaresSlope(warm.map((s) => [s.t_s / 60, pick(s)] as const).filter((p): p is readonly [number, number] => p[1] !== null));
    return fit === null ? null : Math.round(fit * 100) / 100;
  };
  const first = warm[0] ?? samples[0]!;
  return {
    rate,
    seconds,
    samples,
    rss_slope_mb_per_min: slope((s) => s.rss_mb) ?? 0,
    child_rss_slope_mb_per_min: slope((s) => s.child_rss_mb) ?? 0,
    heap_slope_mb_per_min: slope((s) => s.heap_mb),
    rss_growth_mb_after_first_minute: samples[samples.length - 1]!.rss_mb - first.rss_mb,
    memory: memoryVerdict(soakSeries(memorySamples)),
    errors,
    p99_us_per_window: p99s,
  };
}

/** The cold start: spawn to first 200, then the first `COLD_SECONDS` at `COLD_RATE` with no warm-up. */
async function coldStart(target: Target): Promise<{ first_ok_ms: number | null; first_10s: RunResult | null }> {
  const first = await firstSuccessMs(target.endpoint, target.spawnedAt);
  return {
    first_ok_ms: first,
    first_10s: first === null ? null : await run(target.endpoint, COLD_RATE, COLD_SECONDS, { windowMs: WINDOW_MS, pacing: PACING }),
  };
}

async function main(): Promise<void> {
  const { upstream, proxy } = await startServers();
  const routes = writeRoutes(upstream);
  const kafka = process.env.KAFKA_BROKERS;
  const targets: Record<string, Target> = {};
  const cold: Record<string, Awaited<ReturnType<typeof coldStart>>> = {};
  if (!SKIP.has('direct')) targets.direct = { endpoint: { url: `${upstream}/v1/chat/completions` }, pid: 0, spawnedAt: 0 };
  if (!SKIP.has('bare_proxy')) targets.bare_proxy = { endpoint: { url: `${proxy}/v1/chat/completions` }, pid: 0, spawnedAt: 0 };
  // One at a time, so each cold start has the machine to itself (apart from the targets already idling).
  const portkey = SKIP.has('portkey') ? null : await startPortkey(upstream);
  if (portkey) cold.portkey = await coldStart((targets.portkey = portkey));
  if (kafka && !SKIP.has('shim')) {
    const shim = await startSwitchyard({ command: 'collector', routes, env: { KAFKA_BROKERS: kafka, KAFKA_TOPIC: `llm.attempts.v1.bench-${Date.now()}` } });
    shim.ready.catch(() => {});
    cold.shim = await coldStart((targets.shim = shim));
  }
  const embeddedEnvs: Array<[string, Record<string, string>]> = [
    ['embedded', {}],
    ...values['embedded-modes']!.split(',')
      .filter(Boolean)
      .map((m): [string, Record<string, string>] => [`embedded_${m}`, { SWITCHYARD_STORAGE_PROCESS: m }]),
  ];
  for (const [name, env] of embeddedEnvs) {
    if (SKIP.has(name)) continue;
    const t = await startSwitchyard({ command: 'all', routes, env, profileDir: name === 'embedded' ? values['profile-dir'] : undefined });
    t.ready.catch(() => {});
    cold[name] = await coldStart((targets[name] = t));
  }

  const results: Record<string, Array<{ rate: number; settle_ms: number } & RunResult>> = Object.fromEntries(Object.keys(targets).map((n) => [n, []]));
  const rssStart = targets.embedded ? rssMb(targets.embedded.pid) : null;
  for (const rate of RATES) {
    // Side by side at each rate, so machine noise hits every target alike.
    // Each target starts on a quiet machine: what the previous one left running is not charged to it.
    for (const [name, t] of Object.entries(targets)) {
      const { waited_ms: settle_ms } = await settle();
      await run(t.endpoint, Math.min(rate, 100), 1, { pacing: PACING }); // warm-up
      results[name]!.push({ rate, settle_ms, ...(await run(t.endpoint, rate, SECONDS, { windowMs: WINDOW_MS, pacing: PACING })) });
    }
  }
  const rssEnd = targets.embedded ? rssMb(targets.embedded.pid) : null;
  const soak = targets.embedded ? await runSoak(targets.embedded) : null;
  const at = (name: string, rate: number) => results[name]?.find((r) => r.rate === rate);
  const minusBare = (name: string, key: 'p50_us' | 'p99_us') => {
    const t = at(name, 1000);
    const b = at('bare_proxy', 1000);
    return t && b ? t[key] - b[key] : null;
  };
  // The worst second after a run's first: the steady tail, apart from any start-of-run transient (which `windows` shows).
  const steadyP99 = (r: RunResult | undefined) => (r?.windows ? Math.max(0, ...r.windows.slice(1).map((w) => w.p99_us)) : null);
  const steadyMinusBare = (name: string) => {
    const t = steadyP99(at(name, 1000));
    const b = steadyP99(at('bare_proxy', 1000));
    return t !== null && b !== null ? t - b : null;
  };
  const report = {
    rates: RATES,
    seconds_per_rate: SECONDS,
    pacing: PACING,
    targets: Object.fromEntries(
      Object.entries(results).map(([name, rs]) => [name, { sustained_rps: sustained(rs), by_rate: rs, ...(cold[name] ? { cold: cold[name] } : {}) }]),
    ),
    cold_window: { rate: COLD_RATE, seconds: COLD_SECONDS, note: 'first_ok_ms: spawn to the first 200; first_10s: open loop right after it, no warm-up' },
    embedded_p99_minus_bare_proxy_us_at_1000: minusBare('embedded', 'p99_us'),
    embedded_p50_minus_bare_proxy_us_at_1000: minusBare('embedded', 'p50_us'),
    shim_p99_minus_bare_proxy_us_at_1000: minusBare('shim', 'p99_us'),
    shim_steady_p99_minus_bare_proxy_us_at_1000: steadyMinusBare('shim'),
    embedded_steady_p99_minus_bare_proxy_us_at_1000: steadyMinusBare('embedded'),
    steady_note: 'steady_p99: the worst one-second window p99 after the first second of the 1,000 req/s run (windows: p50/p99 per second of every run)',
    ...Object.fromEntries(embeddedEnvs.slice(1).map(([n]) => [`${n}_p99_minus_bare_proxy_us_at_1000`, minusBare(n, 'p99_us')])),
    shim: kafka ? 'switchyard collector, events to Kafka' : 'not run: set KAFKA_BROKERS for the collector alone',
    portkey: portkey ? '@portkey-ai/gateway (npm), provider openai with a custom host' : 'not run: @portkey-ai/gateway not installed',
    embedded_rss_mb: {
      start: rssStart,
      end: rssEnd,
      storage_child_end: targets.embedded ? childRssMb(targets.embedded.pid) : null,
      note: 'the process serving requests, and its storage child',
    },
    budget_checks: 'on: a per-key budget, so every Switchyard request counts its prompt, reserves and settles',
    ...(soak ? { soak } : {}),
  };
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
}

try {
  await main();
} finally {
  await stopAll();
}
process.exit(0);
