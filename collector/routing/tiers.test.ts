import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderByTier, requestedTier, tierPreference, type TieringConfig } from './tiers.ts';

const config: TieringConfig = { short_prompt_tokens: 200, long_prompt_tokens: 4000, fallback: 'up_then_down' };
const facts = (tokens: number, usesTools = false) => ({ promptTokens: () => tokens, usesTools });

test('an explicit tier wins, then the difficulty hint, then the heuristic', () => {
  assert.equal(requestedTier({ tier: 'economy', difficulty: 'high' }, facts(10_000, true), config), 'economy');
  assert.equal(requestedTier({ difficulty: 'high' }, facts(10), config), 'premium');
  assert.equal(requestedTier({ difficulty: 'low' }, facts(10_000), config), 'economy');
  assert.equal(requestedTier({ tier: 'bogus', difficulty: 'bogus' }, facts(1000), config), 'standard');
});

test('heuristic: tools or a long prompt are premium, a short one economy, the rest standard', () => {
  assert.equal(requestedTier({}, facts(50, true), config), 'premium');
  assert.equal(requestedTier({}, facts(4000), config), 'premium');
  assert.equal(requestedTier({}, facts(200), config), 'economy');
  assert.equal(requestedTier({}, facts(201), config), 'standard');
});

test('the heuristic does not count the prompt when a hint decides', () => {
  let counted = false;
  requestedTier({ tier: 'premium' }, { promptTokens: () => ((counted = true), 1), usesTools: false }, config);
  assert.equal(counted, false);
});

test('fallback paths: up then down, down then up, or none', () => {
  assert.deepEqual(tierPreference('standard', 'up_then_down'), ['standard', 'premium', 'economy']);
  assert.deepEqual(tierPreference('standard', 'down_then_up'), ['standard', 'economy', 'premium']);
  assert.deepEqual(tierPreference('economy', 'up_then_down'), ['economy', 'standard', 'premium']);
  assert.deepEqual(tierPreference('premium', 'up_then_down'), ['premium', 'standard', 'economy']);
  assert.deepEqual(tierPreference('premium', 'none'), ['premium']);
});

test('ordering keeps the strategy order inside a tier', () => {
  const order = [
    { n: 'p1', t: 'premium' },
    { n: 'e1', t: 'economy' },
    { n: 's1', t: 'standard' },
    { n: 'e2', t: 'economy' },
  ] as const;
  const names = (pref: Parameters<typeof orderByTier>[2]) => orderByTier([...order], (x) => x.t, pref).map((x) => x.n);
  assert.deepEqual(names(['economy', 'standard', 'premium']), ['e1', 'e2', 's1', 'p1']);
  assert.deepEqual(names(['standard']), ['s1']);
});
