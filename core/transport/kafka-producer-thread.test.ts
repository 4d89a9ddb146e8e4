import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBatch, unpackBatch } from './kafka-producer-thread.ts';

test('a batch crosses to the producer thread unchanged: keys (null too), values, order', () => {
  const messages = [
    { key: 'req-1', value: JSON.stringify({ text: 'line one\nline two', n: 1 }) },
    { key: null, value: '{"n":2}' },
    { key: 'req-3', value: '' },
  ];
  const packed = packBatch(messages);
  assert.equal(typeof packed.values, 'string', 'JSON values travel as one string');
  assert.deepEqual(unpackBatch(packed.keys, packed.values), messages);
  const empty = packBatch([]);
  assert.deepEqual(unpackBatch(empty.keys, empty.values), []);
});

test('a value holding a raw newline (not JSON) is sent as a list, so it cannot be split apart', () => {
  const messages = [
    { key: 'a', value: 'raw\nnewline' },
    { key: 'b', value: 'plain' },
  ];
  const packed = packBatch(messages);
  assert.ok(Array.isArray(packed.values));
  assert.deepEqual(unpackBatch(packed.keys, packed.values), messages);
});
