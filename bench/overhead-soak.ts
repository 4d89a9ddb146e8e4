import { parseArgs } from 'node:util';
import { run } from './overhead-load.ts';
import { childRssMb, heapMb, rssMb } from './overhead-process-stats.ts';
import { startServers, startSwitchyard, stopAll, writeRoutes } from './overhead-targets.ts';

// Whether the embedded default (`switchyard all`) holds a steady rate for long: memory of both
// processes, and whether its storage process keeps up — events the collector published against
// those ingest stored (the embedded bus's `delivered`), and the backlog waiting in memory and in
// the disk spool, every 10 s; after the load, how long the backlog takes to drain. Prints one JSON object.
//   node --import tsx bench/overhead-soak.ts --rate 500 --seconds 150

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '600' },
    /** How long to wait after the load for the backlog to drain, s. */
    'drain-seconds': { type: 'string', default: '60' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

/** The first sample of a Prometheus family (any labels), or null. */
function metric(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([\\d.e+]+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

interface Sample {
  t_s: number;
  rss_mb: number;
  child_rss_mb: number;
  heap_mb: number | null;
  published: number | null;
  stored: number | null;
  in_memory: number | null;
  spooled_waiting: number | null;
}

/** Least-squares slope per minute of the samples after the first minute (JIT, pools, caches warm); null with fewer than two. */
function slopePerMin(samples: Sample[], pick: (s: Sample) => number | null): number | null {
  const pts = samples.filter((s) => s.t_s >= 60).flatMap((s) => (pick(s) === null ? [] : [[s.t_s / 60, pick(s)!] as const]));
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const den = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : Math.round((pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / den) * 100) / 100;
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
      published: metric(text, 'switchyard_emission_published_total'),
      stored: metric(text, 'switchyard_emission_delivered_total'),
      in_memory: metric(text, 'switchyard_emission_in_memory'),
      spooled_waiting: metric(text, 'switchyard_emission_spool_events'),
    };
  };
  const samples = [await sample()];
  const p99s: number[] = [];
  let errors = 0;
  for (let elapsed = 0; elapsed < SECONDS; elapsed += 10) {
    const r = await run(target.endpoint, RATE, Math.min(10, SECONDS - elapsed));
    errors += r.errors;
    p99s.push(r.p99_us);
    samples.push(await sample());
  }
  const end = samples[samples.length - 1]!;
  // The load is over: how long until ingest stored what was published.
  const drainStart = performance.now();
  let drained: Sample = end;
  while (performance.now() - drainStart < Number(values['drain-seconds']) * 1000) {
    drained = await sample();
    if (drained.published !== null && drained.stored === drained.published) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const backlog = (s: Sample) => (s.published ?? 0) - (s.stored ?? 0);
  console.log(
    JSON.stringify({
      rate: RATE,
      seconds: SECONDS,
      errors,
      samples,
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
