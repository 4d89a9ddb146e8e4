import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupName } from '../../core/events/attempt-event.ts';
import { usd } from './report-format.ts';

test('report money: cents, and spend under a cent to two significant digits instead of $0.00', () => {
  // The found case: a week of $0.0036 read "Total $0.00", and a $0.0005 budget "limit $0.00".
  assert.equal(usd('0.003600000000'), '$0.0036');
  assert.equal(usd('0.000500000'), '$0.00050');
  assert.equal(usd('0.000000123'), '$0.00000012');
  assert.equal(usd('0'), '$0.00');
  assert.equal(usd('0.010000'), '$0.01');
  assert.equal(usd('1234.5678'), '$1234.57');
  assert.equal(usd('-0.0025'), '$-0.0025');
});

test('a team-less group is "unattributed", as the console, showback and FOCUS name it', () => {
  assert.equal(groupName(''), 'unattributed');
  assert.equal(groupName('search'), 'search');
});
