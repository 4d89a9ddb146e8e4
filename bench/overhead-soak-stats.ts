// Whether memory stays flat over a soak, judged so that garbage collection cannot fake a leak or hide
// one. A V8 heap (and the RSS that follows it) is a sawtooth: it climbs between collections and
// drops at each, by more than 150 MB within a minute in the collector at 500 req/s, so a straight
// line fitted through every sample follows wherever the teeth happen to fall. What a leak moves is
// the floor — what is left after the collections — so the verdict is the slope of the lowest sample
// of each window, fitted with a median of pairwise slopes (Theil–Sen) so one unusual window cannot
// tip it. Pure functions: samples in, verdict out.

/** One sample of one memory series: seconds since the load started, MB (null when the sample failed). */
export interface MemoryPoint {
  t_s: number;
  mb: number | null;
}

/** How a series is judged. */
export interface FlatRule {
  /** Samples before this are left out: JIT, pools and caches fill during the first minute, s. */
  warmupS: number;
  /** Length of the windows whose lowest sample is the floor, s (60: per-minute floors). */
  windowS: number;
  /** A series is flat when its floors rise by at most this much per minute, MB/min. */
  thresholdMbPerMin: number;
  /** Fewer whole windows than this after the warm-up: no verdict (null), too short to tell. */
  minWindows: number;
}

/**
 * The default rule. 2 MB/min is 20 MB over a 10-minute soak, ~70 bytes per request at 500 req/s;
 * per-minute floors of the collector's heap scatter by ±10 MB, so over nine floors a slope smaller
 * than that cannot be told from noise.
 */
export const DEFAULT_FLAT_RULE: FlatRule = { warmupS: 60, windowS: 60, thresholdMbPerMin: 2, minWindows: 3 };

/** What one series (e.g. the collector's heap) did over the soak. */
export interface SeriesVerdict {
  /** Least-squares slope through every sample after the warm-up, MB/min: the old figure, which follows the GC sawtooth. */
  fitted_slope_mb_per_min: number | null;
  /** The lowest sample of each whole window after the warm-up, MB, in time order. */
  floors_mb: number[];
  /** Theil–Sen slope of the floors, MB per minute: what the verdict is made of. */
  floor_slope_mb_per_min: number | null;
  /** Last floor minus first, MB. */
  floor_growth_mb: number | null;
  /** Floor slope ≤ threshold; null with fewer than `minWindows` floors. */
  flat: boolean | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Least-squares slope dy/dx of points; null with fewer than two distinct x. */
export function leastSquaresSlope(points: ReadonlyArray<readonly [number, number]>): number | null {
  if (points.length < 2) return null;
  const mx = points.reduce((a, p) => a + p[0], 0) / points.length;
  const my = points.reduce((a, p) => a + p[1], 0) / points.length;
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den === 0 ? null : points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / den;
}

/** Theil–Sen slope: the median of the slopes between every pair of points with distinct x; null with none. */
export function theilSenSlope(points: ReadonlyArray<readonly [number, number]>): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]![0] - points[i]![0];
      if (dx !== 0) slopes.push((points[j]![1] - points[i]![1]) / dx);
    }
  if (slopes.length === 0) return null;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2;
}

/**
 * The lowest sample of each whole window after the warm-up, with the window's middle (s). Windows
 * are [warmupS + k·windowS, warmupS + (k+1)·windowS); one the samples do not reach to the end of
 * is left out (its floor would be biased high), as is one with no sample.
 */
export function windowFloors(points: readonly MemoryPoint[], rule: Pick<FlatRule, 'warmupS' | 'windowS'>): Array<{ mid_s: number; floor_mb: number }> {
  const valid = points.filter((p): p is { t_s: number; mb: number } => p.mb !== null && p.t_s >= rule.warmupS);
  if (valid.length === 0) return [];
  const last = Math.max(...valid.map((p) => p.t_s));
  const floors = new Map<number, number>();
  for (const p of valid) {
    const k = Math.floor((p.t_s - rule.warmupS) / rule.windowS);
    floors.set(k, Math.min(floors.get(k) ?? Infinity, p.mb));
  }
  return [...floors.entries()]
    .filter(([k]) => rule.warmupS + (k + 1) * rule.windowS <= last + rule.windowS / 10)
    .sort((a, b) => a[0] - b[0])
    .map(([k, floor_mb]) => ({ mid_s: rule.warmupS + (k + 0.5) * rule.windowS, floor_mb }));
}

/** Judges one memory series by the slope of its window floors (see the module comment). */
export function seriesVerdict(points: readonly MemoryPoint[], rule: FlatRule = DEFAULT_FLAT_RULE): SeriesVerdict {
  const perMin = (xs: ReadonlyArray<readonly [number, number]>, fit: typeof theilSenSlope) => fit(xs.map(([t, y]) => [t / 60, y] as const));
  const warm = points.filter((p) => p.t_s >= rule.warmupS && p.mb !== null).map((p) => [p.t_s, p.mb!] as const);
  const fitted = perMin(warm, leastSquaresSlope);
  const floors = windowFloors(points, rule);
  const slope =
    floors.length >= 2
      ? perMin(
          floors.map((f) => [f.mid_s, f.floor_mb] as const),
          theilSenSlope,
        )
      : null;
  return {
    fitted_slope_mb_per_min: fitted === null ? null : round2(fitted),
    floors_mb: floors.map((f) => f.floor_mb),
    floor_slope_mb_per_min: slope === null ? null : round2(slope),
    floor_growth_mb: floors.length >= 2 ? round2(floors[floors.length - 1]!.floor_mb - floors[0]!.floor_mb) : null,
    flat: floors.length < rule.minWindows || slope === null ? null : slope <= rule.thresholdMbPerMin,
  };
}

/** The soak's memory verdict over every series (collector heap, collector RSS, storage process RSS, …). */
export interface MemoryVerdict {
  /** Every series flat: true; any not flat: false; otherwise (a series too short to judge) null. */
  memory_flat: boolean | null;
  rule: string;
  threshold_mb_per_min: number;
  window_s: number;
  warmup_s: number;
  series: Record<string, SeriesVerdict>;
}

/** Judges each named series by `rule` and combines them: memory is flat only when every series is. */
export function memoryVerdict(series: Record<string, readonly MemoryPoint[]>, rule: FlatRule = DEFAULT_FLAT_RULE): MemoryVerdict {
  const judged = Object.fromEntries(Object.entries(series).map(([name, pts]) => [name, seriesVerdict(pts, rule)]));
  const flats = Object.values(judged).map((v) => v.flat);
  return {
    memory_flat: flats.includes(false) ? false : flats.includes(null) ? null : true,
    rule:
      `per series: the lowest sample of each ${rule.windowS}-s window after the first ${rule.warmupS} s (the floor GC leaves), ` +
      `fitted with a Theil–Sen slope; flat when that slope is ≤ ${rule.thresholdMbPerMin} MB/min; memory_flat when every series is flat ` +
      `(null: fewer than ${rule.minWindows} whole windows). fitted_slope_mb_per_min (least squares through every sample) follows the GC sawtooth and is shown for comparison only`,
    threshold_mb_per_min: rule.thresholdMbPerMin,
    window_s: rule.windowS,
    warmup_s: rule.warmupS,
    series: judged,
  };
}

/** One memory sample of `switchyard all` as the soak benches take it. */
export interface SoakMemorySample {
  t_s: number;
  /** RSS of the collector process, MB. */
  rss_mb: number;
  /** RSS of its storage process (0 without one), MB. */
  child_rss_mb: number;
  /** V8 heap in use of the collector process, MB; null when /metrics did not answer. */
  heap_mb: number | null;
  /** The storage process's RSS split: private (anonymous) pages and pages of mapped files (libchdb.so's code), MB. */
  child_rss_anon_mb?: number;
  child_rss_file_mb?: number;
  /** The storage process's V8 heap total and what chDB's memory tracker counts, MB (its /metrics `switchyard_storage_memory`). */
  child_heap_total_mb?: number;
  child_clickhouse_tracked_mb?: number;
}

/** The series a soak judges: the collector's heap and RSS, and the storage process's RSS when there is one. */
export function soakSeries(samples: readonly SoakMemorySample[]): Record<string, MemoryPoint[]> {
  const series: Record<string, MemoryPoint[]> = {
    collector_heap_mb: samples.map((s) => ({ t_s: s.t_s, mb: s.heap_mb })),
    collector_rss_mb: samples.map((s) => ({ t_s: s.t_s, mb: s.rss_mb || null })),
  };
  if (samples.some((s) => s.child_rss_mb > 0)) series.storage_rss_mb = samples.map((s) => ({ t_s: s.t_s, mb: s.child_rss_mb || null }));
  return series;
}

/**
 * The storage process's RSS in its parts, judged by the same rule but reported beside the
 * verdict, not in it: private (anonymous) pages tell a growing heap or cache from library code
 * paged in (file-backed), and where its /metrics gave them, private pages split once more into
 * V8's heap total and the native rest (anon − heap total: chDB and Node's own allocations), with
 * what chDB's memory tracker counts of that rest. Empty without a storage process.
 */
export function storageRssParts(samples: readonly SoakMemorySample[]): Record<string, MemoryPoint[]> {
  if (!samples.some((s) => (s.child_rss_anon_mb ?? 0) > 0)) return {};
  const parts: Record<string, MemoryPoint[]> = {
    storage_rss_anon_mb: samples.map((s) => ({ t_s: s.t_s, mb: s.child_rss_anon_mb || null })),
    storage_rss_file_mb: samples.map((s) => ({ t_s: s.t_s, mb: s.child_rss_file_mb || null })),
  };
  if (samples.some((s) => s.child_heap_total_mb !== undefined)) {
    parts.storage_v8_heap_total_mb = samples.map((s) => ({ t_s: s.t_s, mb: s.child_heap_total_mb ?? null }));
    parts.storage_native_mb = samples.map((s) => ({
      t_s: s.t_s,
      mb: s.child_rss_anon_mb && s.child_heap_total_mb !== undefined ? Math.round((s.child_rss_anon_mb - s.child_heap_total_mb) * 10) / 10 : null,
    }));
  }
  if (samples.some((s) => s.child_clickhouse_tracked_mb !== undefined))
    parts.storage_clickhouse_tracked_mb = samples.map((s) => ({ t_s: s.t_s, mb: s.child_clickhouse_tracked_mb ?? null }));
  return parts;
}

/** A rule from the soak benches' command-line options (seconds and MB/min as strings; unset keeps the default). */
export function flatRuleFromOptions(o: { warmup?: string; window?: string; threshold?: string }): FlatRule {
  const num = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`);
    return n;
  };
  return {
    ...DEFAULT_FLAT_RULE,
    warmupS: num(o.warmup, DEFAULT_FLAT_RULE.warmupS, '--warmup-seconds'),
    windowS: num(o.window, DEFAULT_FLAT_RULE.windowS, '--floor-window-seconds'),
    thresholdMbPerMin: num(o.threshold, DEFAULT_FLAT_RULE.thresholdMbPerMin, '--flat-mb-per-min'),
  };
}
