import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recoveryHold, stepWeight, type ControllerState } from './weight-controller.ts';
import { defaultPolicySettings as s } from './policy-settings.ts';

const T0 = 1_000_000;
const at = (weight: number, over: Partial<ControllerState> = {}): ControllerState => ({
  weight,
  lastDecreaseAtMs: null,
  penalty: 0,
  penaltyAtMs: T0,
  inEpisode: false,
  suppressed: false,
  ...over,
});

test('first sight starts at the target', () => {
  assert.equal(stepWeight(undefined, 0.7, false, T0, s).state.weight, 0.7);
  assert.equal(stepWeight(undefined, 0, true, T0, s).state.weight, 0);
});

test('multiplicative decrease: at most halved per step; a hard failure drops straight to the target', () => {
  const soft = stepWeight(at(1), 0.2, false, T0, s);
  assert.equal(soft.kind, 'decrease');
  assert.equal(soft.state.weight, 0.5);
  assert.equal(stepWeight(soft.state, 0.2, false, T0 + 5000, s).state.weight, 0.25);
  assert.equal(stepWeight(at(1), 0.6, false, T0, s).state.weight, 0.6, 'never below the target');
  const hard = stepWeight(at(1), 0, true, T0, s);
  assert.equal(hard.kind, 'hard_drop');
  assert.equal(hard.state.weight, 0);
});

test('dead band: targets within ±0.05 change nothing', () => {
  for (const target of [0.96, 1, 0.91]) {
    const r = stepWeight(at(0.95), target, false, T0, s);
    assert.equal(r.kind, 'steady');
    assert.equal(r.state.weight, 0.95);
  }
});

test('additive increase only after the recovery hold, at most +0.1 per step', () => {
  const down = stepWeight(at(1), 0, true, T0, s).state;
  assert.equal(down.penalty, 1);
  const held = stepWeight(down, 1, false, T0 + 59_000, s);
  assert.equal(held.kind, 'held');
  assert.equal(held.state.weight, 0);
  let state = stepWeight(down, 1, false, T0 + 60_000, s).state;
  assert.equal(state.weight, 0.1);
  let t = T0 + 60_000;
  let steps = 1;
  while (steps < 100 && stepWeight(state, 1, false, t + 5000, s).kind === 'increase') {
    t += 5000;
    state = stepWeight(state, 1, false, t, s).state;
    steps++;
  }
  assert.equal(state.weight, 1, 'ramps in +0.1 steps; the step into the dead band lands on the target');
  assert.equal(steps, 10);
});

test('flap damping: each failure episode adds penalty (halving every 5 minutes); at 1.5 the deployment is suppressed until it decays below 0.75', () => {
  let state = stepWeight(at(1), 0, true, T0, s).state;
  state = stepWeight(state, 0, true, T0 + 5000, s).state; // same episode: no new penalty
  assert.ok(state.penalty > 0.98 && state.penalty <= 1, String(state.penalty));
  assert.equal(state.suppressed, false);
  assert.equal(stepWeight(state, 1, false, T0 + 60_000, s).kind, 'held', 'the hold runs from the last failure signal');
  state = stepWeight(state, 1, false, T0 + 65_000, s).state; // recovery starts: episode over
  assert.equal(state.inEpisode, false);
  state = stepWeight(state, 0, true, T0 + 65_000, s).state; // second episode
  assert.ok(state.penalty > 1.8 && state.penalty < 1.9, String(state.penalty));
  assert.equal(state.suppressed, true);
  // Suppressed for half-life × log2(penalty / 0.75) ≈ 390 s, however healthy it looks meanwhile.
  const held = stepWeight(state, 1, false, T0 + 65_000 + 380_000, s);
  assert.equal(held.kind, 'held');
  assert.ok(held.holdMs > 0 && held.holdMs < 20_000, String(held.holdMs));
  assert.equal(stepWeight(state, 1, false, T0 + 65_000 + 400_000, s).kind, 'increase');
  const later = stepWeight(state, state.weight, false, T0 + 65_000 + 300_000, s).state;
  assert.ok(Math.abs(later.penalty - state.penalty / 2) < 1e-9);
  assert.equal(recoveryHold(100, s), s.maxRecoveryHoldMs);
});

test('found case (bench seed 18): an increase is earned by fresh evidence — with no attempt in the live window the weight is held', () => {
  // Explored at the floor after its recovery hold, a flapping deployment got no probe in a down
  // phase; read as "no evidence, healthy", it was raised 0.05 → 0.3 in three steps, blind.
  const floor = at(0.05, { lastDecreaseAtMs: T0 - 120_000 });
  const blind = stepWeight(floor, 0.9, false, T0, s, false, false);
  assert.equal(blind.kind, 'held');
  assert.equal(blind.state.weight, 0.05);
  const seen = stepWeight(floor, 0.9, false, T0, s, false, true);
  assert.equal(seen.kind, 'increase');
  assert.equal(seen.state.weight, 0.15);
  // Without evidence nothing is lowered either: thin evidence stays neutral.
  assert.equal(stepWeight(at(1), 1, false, T0, s, false, false).state.weight, 1);
});
