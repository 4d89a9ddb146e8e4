import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossedThresholds, dailyPattern, flatPattern, forecastSpend, patternMass, statusLevel } from './budget-forecast.ts';

const day = { startMs: Date.parse('2026-11-30T00:00:00Z'), endMs: Date.parse('2026-12-01T00:00:00Z') };
const at = (hhmm: string) => Date.parse(`2026-11-30T${hhmm}:00Z`);

test('a flat pattern is a plain run rate: a quarter of the day spent 250 forecasts 1000', () => {
  const f = forecastSpend(250, day, at('06:00'), flatPattern);
  assert.equal(f.forecastNano, 1000);
  assert.equal(f.burnRatePerHourNano, Math.round(250 / 6));
});

test('the daily pattern weights the rest of the period: quiet nights forecast less than the run rate', () => {
  // Traffic only in working hours 08–18 UTC historically.
  const history = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 100 : 0));
  const pattern = dailyPattern(history);
  assert.ok(Math.abs(pattern.reduce((a, b) => a + b, 0) - 24) < 1e-9, 'mean weight 1');
  const flat = forecastSpend(1200, day, at('12:00'), flatPattern).forecastNano;
  const shaped = forecastSpend(1200, day, at('12:00'), pattern).forecastNano;
  // By noon, 4 of 10 busy hours are past: the shaped forecast is above 2× but the night is light.
  assert.equal(flat, 2400);
  const expected = Math.round(1200 + (1200 * patternMass(pattern, at('12:00'), day.endMs)) / patternMass(pattern, day.startMs, at('12:00')));
  assert.equal(shaped, expected);
  assert.notEqual(shaped, flat);
});

test('no forecast from under a minute, none past the end, and none from nothing', () => {
  assert.equal(forecastSpend(50, day, day.startMs + 30_000).forecastNano, 50);
  assert.equal(forecastSpend(500, day, day.endMs + 3_600_000).forecastNano, 500);
  assert.equal(forecastSpend(0, day, at('13:00')).forecastNano, 0);
  assert.deepEqual(dailyPattern([]), flatPattern);
});

test('thresholds are crossed once each, exactly at the boundary, several at a time', () => {
  const t = [0.7, 1, 1.2];
  assert.deepEqual(crossedThresholds(0, 699, 1000, t), []);
  assert.deepEqual(crossedThresholds(0, 700, 1000, t), [0.7]);
  assert.deepEqual(crossedThresholds(700, 1300, 1000, t), [1, 1.2]);
  assert.deepEqual(crossedThresholds(1300, 1400, 1000, t), []);
});

test('status: exceeded at the hard limit, warning past the first threshold, forecast otherwise', () => {
  assert.equal(statusLevel(1000, 1000, 1000, 1000, [0.7]), 'exceeded');
  assert.equal(statusLevel(800, 900, 1000, 1000, [0.7]), 'warning');
  assert.equal(statusLevel(100, 1500, 1000, 1000, [0.7]), 'forecast_exceeded');
  assert.equal(statusLevel(100, 500, 1000, 1000, [0.7]), 'ok');
});
