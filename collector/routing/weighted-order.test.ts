import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weightedOrder } from './weighted-order.ts';

const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

test('first pick follows the weights', () => {
  const items = [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 3 },
  ];
  assert.deepEqual(
    weightedOrder(items, seq(0.2, 0)).map((i) => i.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    weightedOrder(items, seq(0.3, 0)).map((i) => i.name),
    ['b', 'a'],
  );
});

test('share of first picks converges to the weight ratio', () => {
  let state = 1;
  const lcg = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const items = [
    { name: 'a', weight: 1 },
    { name: 'b', weight: 3 },
  ];
  let b = 0;
  for (let i = 0; i < 20_000; i++) if (weightedOrder(items, lcg)[0]!.name === 'b') b++;
  assert.ok(Math.abs(b / 20_000 - 0.75) < 0.02, `b share ${b / 20_000}`);
});

test('zero-weight deployments are never first but stay as last resort', () => {
  const items = [
    { name: 'down', weight: 0 },
    { name: 'a', weight: 1 },
    { name: 'b', weight: 1 },
  ];
  for (const r of [0, 0.49, 0.5, 0.999]) {
    const order = weightedOrder(items, seq(r)).map((i) => i.name);
    assert.equal(order[2], 'down');
    assert.deepEqual([...order].sort(), ['a', 'b', 'down']);
  }
});

test('all zero keeps config order; random at the top edge still picks the last', () => {
  assert.deepEqual(
    weightedOrder(
      [
        { name: 'x', weight: 0 },
        { name: 'y', weight: 0 },
      ],
      Math.random,
    ).map((i) => i.name),
    ['x', 'y'],
  );
  assert.equal(
    weightedOrder(
      [
        { name: 'a', weight: 0.1 },
        { name: 'b', weight: 0.2 },
      ],
      seq(0.9999999999999999),
    )[0]!.name,
    'b',
  );
});
