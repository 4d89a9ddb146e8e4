import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { SyncContextManager } from './sync-context-manager.ts';

const key = createContextKey('test');

test('with: the context is active for the synchronous extent of the callback, then the previous one again (also after a throw)', () => {
  const m = new SyncContextManager();
  const outer = ROOT_CONTEXT.setValue(key, 'outer');
  const inner = ROOT_CONTEXT.setValue(key, 'inner');
  const seen = m.with(outer, () => [m.active().getValue(key), m.with(inner, () => m.active().getValue(key)), m.active().getValue(key)]);
  assert.deepEqual(seen, ['outer', 'inner', 'outer']);
  assert.equal(m.active(), ROOT_CONTEXT);
  assert.throws(() =>
    m.with(outer, () => {
      throw new Error('boom');
    }),
  );
  assert.equal(m.active(), ROOT_CONTEXT);
});

test('with passes this and the arguments through and returns the result', () => {
  const m = new SyncContextManager();
  const self = { base: 40 };
  const r = m.with(
    ROOT_CONTEXT,
    function (this: typeof self, a: number, b: number) {
      return this.base + a + b;
    },
    self,
    1,
    1,
  );
  assert.equal(r, 42);
});

test('bind: a bound function runs under its context whenever it is called; other values pass unchanged', () => {
  const m = new SyncContextManager();
  const ctx = ROOT_CONTEXT.setValue(key, 'bound');
  const bound = m.bind(ctx, (x: number) => `${String(m.active().getValue(key))}:${x}`);
  assert.equal(bound(1), 'bound:1');
  assert.equal(m.active(), ROOT_CONTEXT);
  const value = { a: 1 };
  assert.equal(m.bind(ctx, value), value);
});

test('no propagation across an await: after it, the root context (spans name their parent explicitly)', async () => {
  const m = new SyncContextManager();
  const ctx = ROOT_CONTEXT.setValue(key, 'x');
  const after = await m.with(ctx, async () => {
    await Promise.resolve();
    return m.active();
  });
  assert.equal(after, ROOT_CONTEXT);
});
