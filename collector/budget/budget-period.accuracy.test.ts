import { test } from 'node:test';
import assert from 'node:assert/strict';
import { periodBounds } from './budget-period.ts';

const iso = (b: { startMs: number; endMs: number }) => [new Date(b.startMs).toISOString(), new Date(b.endMs).toISOString()];

test('a day in UTC and in a zone east of UTC', () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  assert.deepEqual(iso(periodBounds('day', 'UTC', now)), ['2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  assert.deepEqual(iso(periodBounds('day', 'Asia/Kolkata', now)), ['2026-11-29T18:30:00.000Z', '2026-11-30T18:30:00.000Z']);
  // 23:30 UTC is already tomorrow in Tokyo.
  assert.deepEqual(iso(periodBounds('day', 'Asia/Tokyo', Date.parse('2026-11-30T23:30:00Z'))), ['2026-11-30T15:00:00.000Z', '2026-12-01T15:00:00.000Z']);
});

test('weeks start on Monday in the zone', () => {
  // Sunday 2026-11-29 20:00 in New York is Monday 01:00 UTC: still last week there.
  const b = periodBounds('week', 'America/New_York', Date.parse('2026-11-30T01:00:00Z'));
  assert.deepEqual(iso(b), ['2026-11-23T05:00:00.000Z', '2026-11-30T05:00:00.000Z']);
});

test('months have their calendar length, across a year end', () => {
  assert.deepEqual(iso(periodBounds('month', 'UTC', Date.parse('2026-02-14T00:00:00Z'))), ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  assert.deepEqual(iso(periodBounds('month', 'Europe/Berlin', Date.parse('2026-12-31T23:30:00Z'))), ['2026-12-31T23:00:00.000Z', '2027-01-31T23:00:00.000Z']);
});

test('DST: the spring-forward day in Berlin is 23 hours, the fall-back day 25', () => {
  const spring = periodBounds('day', 'Europe/Berlin', Date.parse('2026-03-29T12:00:00Z'));
  assert.equal((spring.endMs - spring.startMs) / 3_600_000, 23);
  const fall = periodBounds('day', 'Europe/Berlin', Date.parse('2026-10-25T12:00:00Z'));
  assert.equal((fall.endMs - fall.startMs) / 3_600_000, 25);
  const week = periodBounds('week', 'Europe/Berlin', Date.parse('2026-03-29T12:00:00Z'));
  assert.equal((week.endMs - week.startMs) / 3_600_000, 7 * 24 - 1);
});
