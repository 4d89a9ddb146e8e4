import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  flatRuleFromOptions,
  leastSquaresSlope,
  memoryVerdict,
  seriesVerdict,
  soakSeries,
  storageRssParts,
  theilSenSlope,
  windowFloors,
  type MemoryPoint,
} from './overhead-soak-stats.ts';

/** Deterministic noise in [0, 1) (a 32-bit linear congruential generator), so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * A heap as the collector's looked in the 500 req/s soak: climbing ~4 MB/s from a 65 MB floor and
 * collected every 37–49 s (so the teeth drift against the sampling), plus ±3 MB of noise, sampled
 * every `everyS` seconds for `seconds`; `leakMbPerMin` lifts the floor steadily.
 */
function sawtooth(o: { seconds: number; everyS: number; leakMbPerMin: number; seed: number }): MemoryPoint[] {
  const r = rng(o.seed);
  const points: MemoryPoint[] = [];
  let lastGc = 0;
  let period = 37 + 12 * r();
  for (let t = 0; t <= o.seconds; t += o.everyS) {
    while (t - lastGc >= period) {
      lastGc += period;
      period = 37 + 12 * r();
    }
    points.push({ t_s: t, mb: 65 + (o.leakMbPerMin * t) / 60 + 4.2 * (t - lastGc) + 6 * (r() - 0.5) });
  }
  return points;
}

test('slopes: least squares and Theil–Sen agree on a line; Theil–Sen ignores one outlier that pulls least squares', () => {
  const line = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => [x, 10 + 3 * x] as const);
  assert.equal(leastSquaresSlope(line), 3);
  assert.equal(theilSenSlope(line), 3);
  const bumped = line.map(([x, y]) => [x, x === 6 ? y + 50 : y] as const);
  assert.equal(theilSenSlope(bumped), 3);
  assert.ok(leastSquaresSlope(bumped)! > 5);
  assert.equal(leastSquaresSlope([[1, 2]]), null);
  assert.equal(
    theilSenSlope([
      [1, 2],
      [1, 3],
    ]),
    null,
  );
});

test('window floors: the lowest valid sample of each whole window after the warm-up; a partial last window is left out', () => {
  const pts: MemoryPoint[] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130].map((t) => ({ t_s: t, mb: t === 70 ? null : 100 + (t % 30) }));
  // Windows [30,60), [60,90), [90,120); [120,150) reaches only to 130.
  assert.deepEqual(windowFloors(pts, { warmupS: 30, windowS: 30 }), [
    { mid_s: 45, floor_mb: 100 },
    { mid_s: 75, floor_mb: 100 },
    { mid_s: 105, floor_mb: 100 },
  ]);
  assert.deepEqual(windowFloors([], { warmupS: 60, windowS: 60 }), []);
});

test('a flat GC sawtooth (65–234 MB, 10 min, sampled every 2 s) is flat by its floors', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const v = seriesVerdict(sawtooth({ seconds: 600, everyS: 2, leakMbPerMin: 0, seed }));
    assert.equal(v.floors_mb.length, 9);
    assert.ok(Math.max(...v.floors_mb) < 65 + 12, `floors ${v.floors_mb.join(',')}`);
    assert.ok(Math.abs(v.floor_slope_mb_per_min!) < 1, `seed ${seed}: floor slope ${v.floor_slope_mb_per_min}`);
    assert.equal(v.flat, true, `seed ${seed}`);
  }
});

test('the same sawtooth over a 5 MB/min leak is not flat, and its floor slope measures the leak', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const v = seriesVerdict(sawtooth({ seconds: 600, everyS: 2, leakMbPerMin: 5, seed }));
    assert.equal(v.flat, false, `seed ${seed}`);
    assert.ok(Math.abs(v.floor_slope_mb_per_min! - 5) < 1, `seed ${seed}: floor slope ${v.floor_slope_mb_per_min}`);
    assert.ok(v.floor_growth_mb! > 30);
  }
});

test('sampled every 10 s, the floors of that sawtooth scatter by tens of MB: why the soak samples every 2 s', () => {
  const spread = (everyS: number) =>
    Math.max(
      ...[1, 2, 3, 4, 5].map((seed) => {
        const f = seriesVerdict(sawtooth({ seconds: 600, everyS, leakMbPerMin: 0, seed })).floors_mb;
        return Math.max(...f) - Math.min(...f);
      }),
    );
  assert.ok(spread(10) > 20, `10 s: ${spread(10)}`);
  assert.ok(spread(2) < 12, `2 s: ${spread(2)}`);
});

test('a slow leak just over the threshold (3 MB/min) is caught when sampled every 2 s', () => {
  for (const seed of [1, 2, 3, 4, 5]) assert.equal(seriesVerdict(sawtooth({ seconds: 600, everyS: 2, leakMbPerMin: 3, seed })).flat, false, `seed ${seed}`);
});

test('the fitted slope through every sample is what the sawtooth makes it, the floor slope is not', () => {
  // Sampled at the same phase of a 60-s tooth that grows its peak: every fitted line climbs, the floors stay put.
  const pts: MemoryPoint[] = [];
  for (let t = 0; t <= 600; t += 5) pts.push({ t_s: t, mb: 65 + (t % 60) * (1 + t / 300) * 2 });
  const v = seriesVerdict(pts);
  assert.ok(v.fitted_slope_mb_per_min! > 5, `fitted ${v.fitted_slope_mb_per_min}`);
  assert.equal(v.floor_slope_mb_per_min, 0);
  assert.equal(v.flat, true);
});

test('too short to judge: no verdict rather than a guess', () => {
  const v = seriesVerdict(sawtooth({ seconds: 150, everyS: 2, leakMbPerMin: 0, seed: 1 }));
  assert.equal(v.floors_mb.length, 1);
  assert.equal(v.flat, null);
  assert.equal(v.floor_slope_mb_per_min, null);
});

test('memory is flat only when every series is; a short series makes the whole verdict null unless another leaks', () => {
  const flat = sawtooth({ seconds: 600, everyS: 2, leakMbPerMin: 0, seed: 7 });
  const leak = sawtooth({ seconds: 600, everyS: 2, leakMbPerMin: 5, seed: 7 });
  const short = sawtooth({ seconds: 100, everyS: 2, leakMbPerMin: 0, seed: 7 });
  assert.equal(memoryVerdict({ heap: flat, rss: flat }).memory_flat, true);
  assert.equal(memoryVerdict({ heap: flat, child_rss: leak }).memory_flat, false);
  assert.equal(memoryVerdict({ heap: flat, rss: short }).memory_flat, null);
  assert.equal(memoryVerdict({ heap: leak, rss: short }).memory_flat, false);
  const v = memoryVerdict({ heap: flat }, { warmupS: 60, windowS: 60, thresholdMbPerMin: 2, minWindows: 3 });
  assert.match(v.rule, /Theil–Sen/);
  assert.equal(v.threshold_mb_per_min, 2);
  assert.equal(v.series.heap!.flat, true);
});

test('soak series: the storage process is judged only when there is one; options name what is wrong', () => {
  const one = soakSeries([{ t_s: 0, rss_mb: 200, child_rss_mb: 0, heap_mb: 60 }]);
  assert.deepEqual(Object.keys(one), ['collector_heap_mb', 'collector_rss_mb']);
  const two = soakSeries([{ t_s: 0, rss_mb: 200, child_rss_mb: 600, heap_mb: null }]);
  assert.deepEqual(two.storage_rss_mb, [{ t_s: 0, mb: 600 }]);
  assert.deepEqual(two.collector_heap_mb, [{ t_s: 0, mb: null }]);
  assert.equal(flatRuleFromOptions({ threshold: '5' }).thresholdMbPerMin, 5);
  assert.equal(flatRuleFromOptions({}).windowS, 60);
  assert.throws(() => flatRuleFromOptions({ window: 'abc' }), /--floor-window-seconds must be a positive number, got "abc"/);
});

test('storage RSS parts: private and file-backed pages are reported apart, and not without their samples', () => {
  assert.deepEqual(storageRssParts([{ t_s: 0, rss_mb: 200, child_rss_mb: 600, heap_mb: 60 }]), {});
  const parts = storageRssParts([
    { t_s: 0, rss_mb: 200, child_rss_mb: 600, heap_mb: 60, child_rss_anon_mb: 350, child_rss_file_mb: 250 },
    { t_s: 2, rss_mb: 200, child_rss_mb: 0, heap_mb: 60, child_rss_anon_mb: 0, child_rss_file_mb: 0 },
  ]);
  assert.deepEqual(parts.storage_rss_anon_mb, [
    { t_s: 0, mb: 350 },
    { t_s: 2, mb: null },
  ]);
  assert.deepEqual(parts.storage_rss_file_mb, [
    { t_s: 0, mb: 250 },
    { t_s: 2, mb: null },
  ]);
  assert.equal(parts.storage_native_mb, undefined, 'no heap figure from /metrics: no native split');
  // With the storage process's /metrics parts: the native rest is anon minus V8's heap total.
  const split = storageRssParts([
    {
      t_s: 0,
      rss_mb: 200,
      child_rss_mb: 600,
      heap_mb: 60,
      child_rss_anon_mb: 400.5,
      child_rss_file_mb: 250,
      child_heap_total_mb: 175.2,
      child_clickhouse_tracked_mb: 44,
    },
    { t_s: 2, rss_mb: 200, child_rss_mb: 610, heap_mb: 60, child_rss_anon_mb: 410, child_rss_file_mb: 250 },
  ]);
  assert.deepEqual(split.storage_native_mb, [
    { t_s: 0, mb: 225.3 },
    { t_s: 2, mb: null },
  ]);
  assert.deepEqual(split.storage_v8_heap_total_mb, [
    { t_s: 0, mb: 175.2 },
    { t_s: 2, mb: null },
  ]);
  assert.deepEqual(split.storage_clickhouse_tracked_mb, [
    { t_s: 0, mb: 44 },
    { t_s: 2, mb: null },
  ]);
});
