import { parseArgs } from 'node:util';
import { backlogOf, emissionOf, type EmissionSample } from './overhead-embedded-emission.ts';
import { run } from './overhead-load.ts';
import { childRssMb, heapMb, rssMb } from './overhead-process-stats.ts';
import { startMemorySampler } from './overhead-soak-sampler.ts';
import { flatRuleFromOptions, leastSquaresSlope, memoryVerdict, soakSeries, storageRssParts } from './overhead-soak-stats.ts';
import { startServers, startSwitchyard, stopAll, writeRoutes } from './overhead-targets.ts';

// Whether the embedded default (`switchyard all`) holds a steady rate for long: memory of both
// processes, and whether its storage process keeps up — events the collector published against
// those ingest stored (the embedded bus's `delivered`), and the backlog waiting in memory and in
// the disk spool, every 10 s; after the load, how long the backlog takes to drain. Memory is also
// sampled every 2 s and judged by the slope of its per-minute floors (`memory.memory_flat`, rule in
// overhead-soak-stats.ts), since a line through every sample follows the GC sawtooth. Prints one JSON object.
//   node --import tsx bench/overhead-soak.ts --rate 500 --seconds 600 --drain-seconds 60

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '600' },
    /** How long to wait after the load for the backlog to drain, s. */
    'drain-seconds': { type: 'string', default: '60' },
    /** How often memory is sampled for the floor verdict, s. */
    'sample-seconds': { type: 'string', default: '2' },
    /** The verdict's rule (overhead-soak-stats.ts): warm-up left out, floor window, threshold. */
    'warmup-seconds': { type: 'string' },
    'floor-window-seconds': { type: 'string' },
    'flat-mb-per-min': { type: 'string' },
  },
});
const RULE = flatRuleFromOptions({ warmup: values['warmup-seconds'], window: values['floor-window-seconds'], threshold: values['flat-mb-per-min'] });
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

type Sample = { t_s: number; rss_mb: number; child_rss_mb: number; heap_mb: number | null } & EmissionSample;

/** Least-squares slope per minute of the 10-s samples after the warm-up: the bench's old figures, kept beside the verdict. */
function slopePerMin(samples: Sample[], pick: (s: Sample) => number | null): number | null {
  const pts = samples.filter((s) => s.t_s >= RULE.warmupS).flatMap((s) => (pick(s) === null ? [] : [[s.t_s / 60, pick(s)!] as const]));
  const slope = leastSquaresSlope(pts);
  return slope === null ? null : Math.round(slope * 100) / 100;
}

async function main(): Promise<void> {
  const { upstream } = await startServers();
  const target = await startSwitchyard({ command: 'all', routes: writeRoutes(upstream), env: {} });
  await target.ready;
  while (
    (await fetch(`${target.opsUrl}/readyz`)
      .then((r) => r.status)
      .catch(() => 0)) !== 200
  )
    await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  const sample = async (): Promise<Sample> => {
    const text = await fetch(`${target.opsUrl}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    return {
      t_s: Math.round((performance.now() - t0) / 1000),
      rss_mb: rssMb(target.pid),
      child_rss_mb: childRssMb(target.pid),
      heap_mb: await heapMb(target.opsUrl),
      ...emissionOf(text),
    };
  };
  const memory = startMemorySampler(target, t0, Number(values['sample-seconds']) * 1000);
  const samples = [await sample()];
  const p99s: number[] = [];
  let errors = 0;
  for (let elapsed = 0; elapsed < SECONDS; elapsed += 10) {
    const r = await run(target.endpoint, RATE, Math.min(10, SECONDS - elapsed));
    errors += r.errors;
    p99s.push(r.p99_us);
    samples.push(await sample());
  }
  const memorySamples = await memory.stop();
  const end = samples[samples.length - 1]!;
  // The load is over: how long until ingest stored what was published.
  const drainStart = performance.now();
  let drained: Sample = end;
  while (performance.now() - drainStart < Number(values['drain-seconds']) * 1000) {
    drained = await sample();
    if (drained.published !== null && drained.stored === drained.published) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const backlog = (s: Sample) => backlogOf(s) ?? 0;
  console.log(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      errors,
      samples,
      memory: memoryVerdict(soakSeries(memorySamples), RULE),
      /** The storage process's RSS split into private and mapped-file pages, judged alike; not part of memory_flat. */
      storage_rss_parts: memoryVerdict(storageRssParts(memorySamples), RULE).series,
      memory_sample_seconds: Number(values['sample-seconds']),
      /** Every memory sample as [t_s, collector RSS MB, storage RSS MB, collector heap MB, storage anon MB, storage file MB, storage V8 heap total MB, chDB-tracked MB]. */
      memory_samples: memorySamples.map((m) => [
        m.t_s,
        m.rss_mb,
        m.child_rss_mb,
        m.heap_mb,
        m.child_rss_anon_mb,
        m.child_rss_file_mb,
        m.child_heap_total_mb ?? null,
        m.child_clickhouse_tracked_mb ?? null,
      ]),
      // Least squares through the 10-s samples after the warm-up: they follow the GC sawtooth (see memory.rule).
      rss_slope_mb_per_min: slopePerMin(samples, (s) => s.rss_mb),
      child_rss_slope_mb_per_min: slopePerMin(samples, (s) => s.child_rss_mb),
      heap_slope_mb_per_min: slopePerMin(samples, (s) => s.heap_mb),
      // Keeping up: the backlog stays bounded (its slope near 0) rather than growing with the run.
      backlog_at_end: backlog(end),
      backlog_slope_events_per_min: slopePerMin(samples, backlog),
      drained_after_s: backlog(drained) === 0 ? Math.round((performance.now() - drainStart) / 100) / 10 : null,
      p99_us_per_10s: p99s,
    }),
  );
}

try {
  await main();
} finally {
  await stopAll();
}
process.exit(0);
