import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../api-errors.ts';
import { parseIsoUtc } from './scalars.ts';
import { readTimeRange } from './time-range.ts';

function refuses(fn: () => unknown, argument: string) {
  assert.throws(
    fn,
    (err: unknown) => err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.argument === argument && err.message.startsWith(`${argument}: `),
  );
}

test('every timestamp found refused in the wild is BAD_USER_INPUT naming the argument', () => {
  for (const bad of [
    '0',
    '1',
    '2026-02-30',
    '2026-02-30T00:00:00Z',
    'Nov 1 2026',
    '2026-11-01T00:00:00',
    '2026-11-01T00:00:00+01:00',
    '2026-11-01 00:00:00Z',
    '2026-13-01',
    '2026-11-01T24:00:00Z',
    '2026-11-01T00:00:00.1234Z',
    '',
    ' 2026-11-01',
  ]) {
    refuses(() => parseIsoUtc(bad, 'from'), 'from');
  }
  refuses(() => parseIsoUtc(20261101, 'to'), 'to');
  refuses(() => parseIsoUtc(null, 'to'), 'to');
});

// Found: GET /exports/focus without `to` answered "to: expected an ISO-8601 UTC timestamp …, got undefined".
test('a missing timestamp is refused as required, naming the argument; a malformed one keeps saying what was got', () => {
  for (const missing of [undefined, null]) {
    refuses(() => parseIsoUtc(missing, 'to'), 'to');
    assert.throws(() => parseIsoUtc(missing, 'to'), { message: 'to: is required (an ISO-8601 UTC timestamp like "2026-11-01T00:00:00Z" or "2026-11-01")' });
  }
  assert.throws(() => readTimeRange({ from: undefined, to: '2026-12-01' }, 31), { message: /^from: is required \(/ });
  assert.throws(() => parseIsoUtc('Nov 1 2026', 'from'), { message: /^from: expected an ISO-8601 UTC timestamp like .*, got "Nov 1 2026"$/ });
  assert.throws(() => parseIsoUtc('', 'from'), { message: /, got ""$/ });
});

test('strict ISO-8601 UTC forms are read exactly', () => {
  assert.equal(parseIsoUtc('2026-11-01', 'from'), Date.UTC(2026, 10, 1));
  assert.equal(parseIsoUtc('2026-11-01T10:20Z', 'from'), Date.UTC(2026, 10, 1, 10, 20));
  assert.equal(parseIsoUtc('2026-11-01T10:20:30.5Z', 'from'), Date.UTC(2026, 10, 1, 10, 20, 30, 500));
  assert.equal(parseIsoUtc('2024-02-29T00:00:00.000+00:00', 'from'), Date.UTC(2024, 1, 29));
});

test('from after or equal to `to`, and too long a range, are refused naming `to`', () => {
  refuses(() => readTimeRange({ from: '2026-11-02', to: '2026-11-01' }, 31), 'to');
  refuses(() => readTimeRange({ from: '2026-11-01', to: '2026-11-01' }, 31), 'to');
  refuses(() => readTimeRange({ from: '2026-01-01', to: '2026-03-01' }, 31), 'to');
  refuses(() => readTimeRange({ from: 'x', to: '2026-03-01' }, 31), 'from');
  assert.deepEqual(readTimeRange({ from: '2026-11-01', to: '2026-12-01' }, 31), { fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 11, 1) });
});
