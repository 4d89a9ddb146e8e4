import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tukeyUpperFence } from '../policy/alerts/detect/robust-stats.ts';
import { freshEmbeddedStore } from './support/embedded-store.ts';

let store: Awaited<ReturnType<typeof freshEmbeddedStore>>;
before(async () => (store = await freshEmbeddedStore()));
after(async () => store.dispose());

test("the peers' fence flags the same upper outliers as ClickHouse's seriesOutliersDetectTukey", async () => {
  const series = [
    [-3, 2, 15, 3, 5, 6, 4, 5, 12, 45, 12, 3, 3, 4, 5, 6],
    [1, 1.1, 0.9, 1.05, 0.95, 1, 4, 1.02, 0.98, 1.01],
    [10, 12, 11, 13, 50, 9, 10, 11, 12, 10, 30],
  ];
  for (const xs of series) {
    const r = await store.client.query({
      query: 'SELECT seriesOutliersDetectTukey({xs:Array(Float64)}) AS scores',
      query_params: { xs },
      format: 'JSONEachRow',
    });
    const { scores } = (await r.json<{ scores: number[] }>())[0]!;
    const fence = tukeyUpperFence(xs, 1.5)!;
    const median = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ours = xs.map((x) => x > fence);
    const theirs = xs.map((x, i) => scores[i]! > 0 && x > median);
    assert.deepEqual(ours, theirs, `series ${JSON.stringify(xs)}: fence ${fence}, ClickHouse scores ${JSON.stringify(scores)}`);
  }
});
