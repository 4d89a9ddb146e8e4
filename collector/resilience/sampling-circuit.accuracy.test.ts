import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SamplingCircuit } from './sampling-circuit.ts';

const policy = { failureThreshold: 0.5, windowMs: 10_000, minimumRps: 1, halfOpenAfterMs: 5000 };

/** Runs `n` calls with `outcome` one ms apart from `start`; returns the last state change. */
function calls(c: SamplingCircuit, n: number, outcome: 'success' | 'failure' | 'neutral', start: number) {
  let changed = null;
  for (let i = 0; i < n; i++) {
    assert.equal(c.admit(start + i), 'run');
    changed = c.record('run', outcome, start + i) ?? changed;
  }
  return changed;
}

test('opens once failures pass the threshold with enough calls in the window (10 calls for 1 rps over 10 s)', () => {
  const c = new SamplingCircuit(policy);
  assert.equal(calls(c, 9, 'failure', 0), null, '9 calls are below 1 rps over 10 s');
  assert.equal(calls(c, 1, 'failure', 9), 'open');
  assert.equal(c.current, 'open');
});

test('at the threshold it stays closed: failures must exceed the share', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 5, 'success', 0);
  assert.equal(calls(c, 5, 'failure', 5), null, '5 of 10 is not more than half');
  assert.equal(calls(c, 1, 'failure', 10), 'open', '6 of 11 is');
});

test('neutral outcomes (429s, request errors) are not counted at all', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 100, 'neutral', 0);
  assert.equal(calls(c, 9, 'failure', 100), null);
});

test('failures older than the window are forgotten, however long the circuit was idle', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 9, 'failure', 0);
  assert.equal(calls(c, 1, 'failure', 60_000), null, 'the nine old failures left the window');
});

test('open: rejected while cooling down, then exactly one probe; a success closes it with a fresh window', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 10, 'failure', 0);
  assert.equal(c.coolingDown(4_999 + 9), true);
  assert.equal(c.admit(4_999 + 9), 'reject');
  assert.equal(c.coolingDown(5_009), false);
  assert.equal(c.current, 'open', 'still open until a call probes it');
  assert.equal(c.admit(5_009), 'probe');
  assert.equal(c.current, 'half_open');
  assert.equal(c.admit(5_010), 'reject', 'the probe is out: nobody else');
  assert.equal(c.record('probe', 'success', 5_020), 'closed');
  assert.equal(calls(c, 1, 'failure', 5_021), null, 'the failures before the probe were cleared');
});

test('a failed probe reopens the circuit and restarts the cool-down from the probe', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 10, 'failure', 0);
  assert.equal(c.admit(6_000), 'probe');
  assert.equal(c.record('probe', 'failure', 6_100), 'open');
  assert.equal(c.admit(11_000), 'reject');
  assert.equal(c.admit(11_100), 'probe');
  assert.equal(c.record('probe', 'neutral', 11_200), 'closed', 'a neutral probe result says the deployment answers');
});

test('calls admitted before the circuit opened only add samples when they end', () => {
  const c = new SamplingCircuit(policy);
  calls(c, 10, 'failure', 0);
  assert.equal(c.record('run', 'success', 20), null);
  assert.equal(c.record('run', 'failure', 21), null);
  assert.equal(c.current, 'open');
});

test('a threshold outside (0, 1) is refused', () => {
  assert.throws(() => new SamplingCircuit({ ...policy, failureThreshold: 1 }), /between 0 and 1/);
});
