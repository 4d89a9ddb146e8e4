/** Seeded PRNG (mulberry32): the same seed replays the same answers, delays and faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A latency sample in ms from a uniform range or a log-normal fitted to p50 and p99. */
export function sampleLatency(spec: { min: number; max: number } | { p50: number; p99: number }, random: () => number): number {
  if ('min' in spec) return spec.min + random() * Math.max(0, spec.max - spec.min);
  const sigma = Math.max(0, Math.log(spec.p99 / spec.p50) / 2.326);
  // Box–Muller for a standard normal.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.exp(Math.log(spec.p50) + sigma * z);
}
