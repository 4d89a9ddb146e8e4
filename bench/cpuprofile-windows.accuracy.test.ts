import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busyByWindow, selfMs } from './cpuprofile-windows.ts';

// Three frames; samples every 100 ms for 2 s: idle for the first second, then GC and a function
// alternating. Each sample stands for the time until the next one.
const profile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(idle)', url: '' } },
    { id: 2, callFrame: { functionName: '(garbage collector)', url: '' } },
    { id: 3, callFrame: { functionName: 'sendJson', url: 'file:///x/repo/collector/http/collector-server.ts' } },
  ],
  startTime: 0,
  endTime: 2_000_000,
  samples: [...Array(10).fill(1), ...Array.from({ length: 10 }, (_, i) => (i % 2 ? 3 : 2))],
  timeDeltas: Array(20).fill(100_000),
};

test('busyByWindow: an idle second and a busy one, in 500 ms windows', () => {
  // The first sample is taken at 100 ms; the last stands for nothing (no next sample).
  assert.deepEqual(busyByWindow(profile, 500), [0, 0, 400, 500]);
});

test('selfMs: self time per frame in a window, named by function and repository path', () => {
  const m = selfMs(profile, 1.0, 2.0);
  assert.equal(m.get('(garbage collector)'), 500);
  assert.equal(m.get('sendJson collector/http/collector-server.ts'), 400);
  assert.equal(selfMs(profile, 0, 1.0).size, 0);
});
