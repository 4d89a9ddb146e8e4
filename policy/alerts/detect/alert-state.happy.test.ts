import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextAlertState, type AlertState } from './alert-state.ts';
import type { Evidence } from './evidence.ts';

const ev = (ratio: number, sufficient = true): Evidence => ({
  value: ratio * 10,
  volume: 100,
  threshold: 10,
  baseline: null,
  spread: null,
  peerFence: null,
  ratio,
  sufficient,
  series: [],
});
const MIN = 60_000;

/** Drives one alert through a sequence of evaluations one minute apart; returns the states. */
function run(ratios: Array<number | null>, pendingMs: number, start: AlertState | undefined = undefined): AlertState[] {
  const out: AlertState[] = [];
  let prev = start;
  ratios.forEach((r, i) => {
    prev = nextAlertState(prev, r === null ? null : ev(r), pendingMs, i * MIN);
    out.push(prev);
  });
  return out;
}

test('without a pending duration a breach fires at once, and resolves below 95 %', () => {
  assert.deepEqual(
    run([0.5, 1.0, 0.96, 0.95, 0.94, 0.5], 0).map((s) => s.state),
    ['ok', 'firing', 'firing', 'firing', 'resolved', 'ok'],
  );
});

test('hysteresis: a value hovering between 95 % and 100 % neither fires nor resolves', () => {
  assert.deepEqual(
    run([0.97, 0.99, 0.96], 0).map((s) => s.state),
    ['ok', 'ok', 'ok'],
  );
  assert.deepEqual(
    run([1.2, 0.97, 0.99, 0.96, 0.999], 0).map((s) => s.state),
    ['firing', 'firing', 'firing', 'firing', 'firing'],
  );
});

test('a breach must last the pending duration; a gap in between restarts the count', () => {
  const states = run([1.1, 1.1, 1.1, 0.5, 1.1, 1.1, 1.1], 2 * MIN);
  assert.deepEqual(
    states.map((s) => s.state),
    ['pending', 'pending', 'firing', 'resolved', 'pending', 'pending', 'firing'],
  );
  assert.equal(states[2]!.activeSince, 0);
  assert.equal(states[6]!.activeSince, 4 * MIN);
});

test('pending that clears goes back to ok without firing', () => {
  assert.deepEqual(
    run([1.1, 0.99, 1.1], 5 * MIN).map((s) => s.state),
    ['pending', 'ok', 'pending'],
  );
});

test('no data: no_data while quiet; a firing alert whose data stops resolves', () => {
  assert.deepEqual(
    run([null, null, 1.5, null, null, 1.5], 0).map((s) => s.state),
    ['no_data', 'no_data', 'firing', 'resolved', 'no_data', 'firing'],
  );
});

test('insufficient evidence (below min volume or baseline) never fires, but cannot resolve a firing alert alone', () => {
  let s = nextAlertState(undefined, ev(5, false), 0, 0);
  assert.equal(s.state, 'ok');
  s = nextAlertState(s, ev(5), 0, MIN);
  assert.equal(s.state, 'firing');
  s = nextAlertState(s, ev(5, false), 0, 2 * MIN);
  assert.equal(s.state, 'firing');
});

test('since is kept while the state holds and moves when it changes', () => {
  const states = run([2, 2, 2, 0], 0);
  assert.deepEqual(
    states.map((s) => s.since),
    [0, 0, 0, 3 * MIN],
  );
  assert.deepEqual(
    states.map((s) => s.evaluatedAt),
    [0, MIN, 2 * MIN, 3 * MIN],
  );
});

test('keep_firing_for: a firing alert resolves only after its ratio stayed below 95 % that long', () => {
  let s: AlertState | undefined;
  const states = [2, 0.5, 0.5, 1.2, 0.5, 0.5, 0.5].map((r, i) => (s = nextAlertState(s, ev(r), 0, i * MIN, 2 * MIN)).state);
  assert.deepEqual(states, ['firing', 'firing', 'firing', 'firing', 'firing', 'firing', 'resolved']);
});
