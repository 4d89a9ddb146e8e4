import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRules } from '../rules/default-rules.ts';
import { evaluateCondition } from './condition.ts';

// Cause of a false denial_of_wallet alert in the benchmark (seed 1, search-k3, 02:27): a quiet
// key at night spending under a cent a minute reached 5× its own history on 23 requests — past the
// 4× floor and the sampling band, but no wallet was being drained. The rule now also needs
// $0.05 a minute above the key's usual (min_delta); the injected drain (~$0.15 a minute against
// ~$0.01) still crosses it.

const rule = defaultRules().find((r) => r.name === 'denial_of_wallet')!;
const week = (usual: number) => [1.02, 0.97, 1, 1.01, 0.99, 1.03, 0.98].map((d) => usual * d);
// The weekly check reads the 7th baseline window; the key's peers did not grow (far-out growth fence passes).
const judge = (value: number, volume: number, usual: number) =>
  evaluateCondition(rule, { labels: { team: 'search', api_key_id: 'k3' }, current: { value, volume }, baseline: week(usual) }, [1, 1.05, 0.95]);

test('a quiet key at 5× its usual cent a minute is not a drained wallet', () => {
  const night = judge(0.035, 23, 0.007);
  assert.ok(night.ratio < 1, `ratio ${night.ratio}, threshold ${night.threshold}`);
  assert.ok(night.threshold >= 0.007 + 0.05 - 1e-9);
});

test('a key at 15× spending $0.15 a minute is one', () => {
  assert.ok(judge(0.15, 80, 0.01).ratio >= 1);
});
