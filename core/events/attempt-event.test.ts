import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttemptEvent, serializeAttemptEvent, type AttemptEvent } from './attempt-event.ts';
import { sampleAttemptEvent } from '../../test/support/sample-event.ts';

test('an event survives the wire unchanged', () => {
  const event = sampleAttemptEvent();
  const parsed = parseAttemptEvent(serializeAttemptEvent(event));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.event, event);
});

test('unknown future fields are ignored, not fatal', () => {
  const parsed = parseAttemptEvent(JSON.stringify({ ...sampleAttemptEvent(), new_field_in_v1_1: 'x' }));
  assert.ok(parsed.ok);
  assert.equal('new_field_in_v1_1' in parsed.event, false);
});

test('poison messages are rejected with every bad field named', () => {
  assert.match(rejection('{not json'), /^not JSON/);
  // status is open (a newer collector's value is kept), but it must still be a short snake_case word.
  const bad: Partial<Record<keyof AttemptEvent, unknown>> = { ...sampleAttemptEvent(), attempt_id: 'nope', cost_usd: 0.5, status: 'Great!' };
  const error = rejection(JSON.stringify(bad));
  assert.match(error, /attempt_id: must be a UUID/);
  assert.match(error, /cost_usd: /);
  assert.match(error, /status: /);
  assert.match(rejection(JSON.stringify({ ...sampleAttemptEvent(), schema_version: 2 })), /schema_version/);
});

function rejection(raw: string): string {
  const r = parseAttemptEvent(raw);
  assert.ok(!r.ok);
  return r.error;
}
