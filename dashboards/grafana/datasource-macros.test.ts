import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandMacros, MacroError } from './datasource-macros.ts';
import { interpolateVariables, type VariableValue } from './template-variables.ts';

// 2014-11-12T11:45:26.371Z … 2015-11-12T11:45:26.371Z, the plugin's own test range.
const ctx = { fromMs: 1415792726371, toMs: 1447328726371, intervalMs: 20_000 };

test("time macros expand to the plugin backend's ClickHouse expressions", () => {
  assert.equal(expandMacros('x > $__fromTime AND x < $__toTime', ctx), 'x > toDateTime(1415792726) AND x < toDateTime(1447328726)');
  assert.equal(expandMacros('$__timeFilter(minute)', ctx), 'minute >= toDateTime(1415792726) AND minute <= toDateTime(1447328726)');
  assert.equal(expandMacros('$__timeFilter_ms(t)', ctx), 't >= fromUnixTimestamp64Milli(1415792726371) AND t <= fromUnixTimestamp64Milli(1447328726371)');
  assert.equal(expandMacros('$__dateFilter(day)', ctx), "day >= toDate('2014-11-12') AND day <= toDate('2015-11-12')");
  assert.equal(expandMacros('$__timeInterval(minute)', ctx), 'toStartOfInterval(toDateTime(minute), INTERVAL 20 second)');
  assert.equal(expandMacros('$__timeInterval_ms(t)', ctx), 'toStartOfInterval(toDateTime64(t, 3), INTERVAL 20000 millisecond)');
  assert.equal(expandMacros('INTERVAL $__interval_s second', { ...ctx, intervalMs: 300 }), 'INTERVAL 1 second');
  assert.equal(expandMacros("$__timeGroup(hour, '1h')", ctx), 'toStartOfInterval(toDateTime(hour), INTERVAL 3600 second)');
});

test('nested arguments, unknown macros and wrong arity', () => {
  assert.equal(expandMacros("$__timeInterval(toDateTime(day, 'UTC'))", ctx), "toStartOfInterval(toDateTime(toDateTime(day, 'UTC')), INTERVAL 20 second)");
  assert.equal(expandMacros('$__unknown(x) + 1', ctx), '$__unknown(x) + 1');
  assert.throws(() => expandMacros('$__timeFilter(a, b)', ctx), MacroError);
  assert.throws(() => expandMacros("$__timeGroup(x, 'soon')", ctx), /invalid interval/);
});

test('dashboard variables: formats, multi-value, All, built-ins; datasource macros untouched', () => {
  const vars: Record<string, VariableValue> = {
    team: { kind: 'multi', values: ['search', "o'hara"] },
    route: { kind: 'all', options: ['chat', 'embed'] },
    provider: { kind: 'single', value: 'openai' },
  };
  const range = { fromMs: 1000, toMs: 2000 };
  assert.equal(interpolateVariables('team IN (${team:singlequote})', vars, range), "team IN ('search','o\\'hara')");
  assert.equal(interpolateVariables('route IN (${route})', vars, range), "route IN ('chat','embed')");
  assert.equal(
    interpolateVariables("p = '$provider' AND $__timeFilter(m) AND $__from < $__to", vars, range),
    "p = 'openai' AND $__timeFilter(m) AND 1000 < 2000",
  );
  assert.throws(() => interpolateVariables('$nope', vars, range), /"nope" is not defined/);
});
