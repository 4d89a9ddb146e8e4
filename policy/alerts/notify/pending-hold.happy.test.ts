import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertInstance } from '../detect/evaluate-rule.ts';
import { parseAlertsConfig } from '../rules/alerts-config.ts';
import { recordingNotifier } from './recording-notifier.ts';

// Cause of extra notices in the benchmark: a key draining its budget is seen by spend_spike (team)
// a minute before denial_of_wallet (team × key) fires; both go to the team's group, so the group
// sent a notice and then a "changed" one. A due group now waits (pending_hold) for its pending alert.

const S = 1000;
const T = Date.UTC(2026, 10, 30, 3);

// incident_settle 0: these tests watch the hold alone (with it, the late alert would be folded).
function notifier(pendingHold: string) {
  const { notifier: n, sent } = recordingNotifier(parseAlertsConfig({ route: { pending_hold: pendingHold, incident_settle: '0s' } }).route);
  return { n, sent };
}

const instance = (rule: string, group: Record<string, string>, state: 'firing' | 'pending', at: number): AlertInstance => ({
  fingerprint: `${rule}-${Object.values(group).join('-')}`,
  rule,
  severity: 'warning',
  group,
  state: { state, since: at, activeSince: at, evaluatedAt: at, evidence: null },
});

/** spend_spike fires at T; denial_of_wallet is pending then, fires at T + 60 s; flushes 30 s after each evaluation. */
async function incident(pendingHold: string) {
  const { n, sent } = notifier(pendingHold);
  n.observe(
    [instance('spend_spike', { team: 'payments' }, 'firing', T), instance('denial_of_wallet', { team: 'payments', api_key_id: 'k3' }, 'pending', T)],
    T,
  );
  await n.flush(T + 30 * S);
  n.observe(
    [
      instance('spend_spike', { team: 'payments' }, 'firing', T + 60 * S),
      instance('denial_of_wallet', { team: 'payments', api_key_id: 'k3' }, 'firing', T + 60 * S),
    ],
    T + 60 * S,
  );
  await n.flush(T + 90 * S);
  await n.flush(T + 400 * S);
  return sent.map((x) => `${x.reason}:${x.firing.map((a) => a.labels.alertname).join('+')}`);
}

test('a due group waits for its pending alert and sends both in one notice', async () => {
  assert.deepEqual(await incident('2m'), ['new:spend_spike+denial_of_wallet']);
});

test('without the hold the same incident makes a notice and a changed one', async () => {
  assert.deepEqual(await incident('0s'), ['new:spend_spike', 'changed:spend_spike+denial_of_wallet']);
});

test('the hold is bounded: an alert that stays pending does not keep the group quiet', async () => {
  const { n, sent } = notifier('2m');
  const pending = instance('denial_of_wallet', { team: 'payments', api_key_id: 'k3' }, 'pending', T);
  for (let t = 0; t <= 240; t += 60) {
    n.observe([instance('spend_spike', { team: 'payments' }, 'firing', T), pending], T + t * S);
    await n.flush(T + (t + 30) * S);
  }
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.createdAt, T + 150 * S, 'due at 30 s, held 2 minutes');
});
