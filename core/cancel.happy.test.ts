import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { request } from 'undici';
import { CancelController } from './cancel.ts';
import { sleepUnlessAborted } from './clock.ts';

test('abort: aborted and reason set, `abort` dispatched once; the default reason is an AbortError, a given one is kept', () => {
  const plain = new CancelController();
  let heard = 0;
  plain.signal.addEventListener('abort', () => heard++);
  assert.equal(plain.signal.aborted, false);
  assert.equal(plain.signal.reason, undefined);
  plain.abort();
  plain.abort(new Error('later'));
  assert.equal(heard, 1);
  assert.equal(plain.signal.aborted, true);
  const reason: unknown = plain.signal.reason;
  assert.ok(reason instanceof DOMException && reason.name === 'AbortError', String(reason));

  const timedOut = new CancelController();
  const timeout = new DOMException('attempt timed out', 'TimeoutError');
  timedOut.abort(timeout);
  assert.equal(timedOut.signal.reason, timeout);
});

test('a removed listener is not called; a once listener only the first time', () => {
  const c = new CancelController();
  const calls: string[] = [];
  const removed = () => calls.push('removed');
  c.signal.addEventListener('abort', removed);
  c.signal.removeEventListener('abort', removed);
  c.signal.addEventListener('abort', () => calls.push('once'), { once: true });
  c.abort();
  assert.deepEqual(calls, ['once']);
});

test('undici cancels an upstream request in flight when its CancelSignal aborts, with the reason given', async () => {
  let upstreamClosed!: () => void;
  const closed = new Promise<void>((r) => (upstreamClosed = r));
  // Never answers: only the cancellation can end the request.
  const server: Server = createServer((req) => req.on('close', upstreamClosed));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = new CancelController();
    const pending = request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: c.signal as AbortSignal });
    setTimeout(() => c.abort(new DOMException('attempt timed out', 'TimeoutError')), 50);
    await assert.rejects(pending, (err: Error) => err.name === 'TimeoutError');
    await closed; // the provider saw the connection go
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('sleepUnlessAborted wakes when any of its signals aborts, and at once when one already has', async () => {
  const first = new CancelController();
  const second = new CancelController();
  const started = performance.now();
  const sleeping = sleepUnlessAborted(10_000, first.signal, second.signal);
  setTimeout(() => second.abort(), 20);
  await sleeping;
  assert.ok(performance.now() - started < 5_000);
  const t = performance.now();
  await sleepUnlessAborted(10_000, new AbortController().signal, second.signal);
  assert.ok(performance.now() - t < 1_000);
});
