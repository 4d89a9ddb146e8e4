import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFocusRequest } from './focus-request.ts';

test('a bound off a charge period is refused naming it and a boundary to give, in words', () => {
  assert.throws(() => readFocusRequest({ from: '2026-11-01T10:30:00Z', to: '2026-11-02T00:00:00Z', period: 'hour' }), {
    message: 'from: charge periods are whole UTC hours: give an hour boundary like 2026-11-01T10:00:00Z',
  });
  assert.throws(() => readFocusRequest({ from: '2026-11-01', to: '2026-11-02T06:00:00Z' }), {
    message: 'to: charge periods are whole UTC days: give a day boundary like 2026-11-01',
  });
  assert.deepEqual(readFocusRequest({ from: '2026-11-01T10:00:00Z', to: '2026-11-01T12:00:00Z', period: 'hour' }).period, 'hour');
});
