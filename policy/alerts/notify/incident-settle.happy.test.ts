import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertInstance } from '../detect/evaluate-rule.ts';
import { parseAlertsConfig } from '../rules/alerts-config.ts';
import { recordingNotifier } from './recording-notifier.ts';

// Causes of extra messages in the benchmark, on a fake clock (evaluate every minute, flush 30 s
// later): (a) a failover alert that starts breaching a minute after the 429 storm's group notice
// went out got a "changed" message of its own; (b) the storm resolving while the failovers still
// fired sent a resolved message, then the all clear another one.

const S = 1000;
const MIN = 60 * S;
const T = Date.UTC(2026, 10, 30, 14);

type Phase = 'pending' | 'firing' | 'resolved' | 'ok';
interface Script {
  rule: string;
  severity?: 'warning' | 'critical';
  /** Minute → state from that minute on. */
  from: Record<number, Phase>;
}

const instance = (s: Script, phase: Exclude<Phase, 'ok'>, since: number): AlertInstance => ({
  fingerprint: `${s.rule}-chat`,
  rule: s.rule,
  severity: s.severity ?? 'warning',
  group: { route: 'chat', provider: s.rule },
  state: { state: phase, since, activeSince: since, evaluatedAt: since, evidence: null },
});

/** Plays the scripts for `minutes` and returns the messages as "reason:firing/resolved". */
async function play(route: Record<string, unknown>, scripts: readonly Script[], minutes = 60): Promise<string[]> {
  const { notifier, sent } = recordingNotifier(parseAlertsConfig({ route }).route);
  const phase = new Map<string, { p: Phase; since: number }>();
  for (let m = 0; m <= minutes; m++) {
    const now = T + m * MIN;
    const live: AlertInstance[] = [];
    for (const s of scripts) {
      const next = s.from[m];
      const cur = phase.get(s.rule);
      if (next && next !== cur?.p) phase.set(s.rule, { p: next, since: next === 'firing' && cur?.p === 'pending' ? cur.since : now });
      const p = phase.get(s.rule);
      if (p && p.p !== 'ok') live.push(instance(s, p.p, p.since));
      if (p?.p === 'resolved') phase.set(s.rule, { p: 'ok', since: now });
    }
    notifier.observe(live, now);
    await notifier.flush(now + 30 * S);
  }
  const names = (as: readonly { labels: Record<string, string> }[]) => as.map((a) => a.labels.alertname).join('+');
  return sent.map((n) => `${n.reason}:${names(n.firing)}/${names(n.resolved)}`);
}

const storm: Script = { rule: 'rate_limit_spike', from: { 0: 'pending', 1: 'firing', 20: 'resolved' } };
const failover: Script = { rule: 'fallback_rate_spike', from: { 3: 'pending', 4: 'firing', 25: 'resolved' } };

test('(a) an alert joining a notified incident within incident_settle rides with the all clear, not a changed message', async () => {
  assert.deepEqual(await play({}, [storm, failover]), ['new:rate_limit_spike/', 'resolved:/rate_limit_spike+fallback_rate_spike']);
});

test('(a) without the settle window (Alertmanager) the same incident makes a changed message', async () => {
  const sent = await play({ incident_settle: '0s', partial_resolved: true }, [storm, failover]);
  assert.deepEqual(sent.slice(0, 2), ['new:rate_limit_spike/', 'changed:rate_limit_spike+fallback_rate_spike/']);
});

test('(a) a more severe alert joining the incident still notifies', async () => {
  const critical: Script = { ...failover, severity: 'critical' };
  assert.deepEqual((await play({}, [storm, critical]))[1], 'changed:rate_limit_spike+fallback_rate_spike/');
});

test('(a) an alert starting after the settle window is a change', async () => {
  const late: Script = { rule: 'fallback_rate_spike', from: { 14: 'pending', 15: 'firing', 25: 'resolved' } };
  const sent = await play({ incident_settle: '10m' }, [storm, late]);
  assert.deepEqual(sent.slice(0, 2), ['new:rate_limit_spike/', 'changed:rate_limit_spike+fallback_rate_spike/']);
});

test('(a) a folded alert that outlives the incident it joined is still in the all clear', async () => {
  const long: Script = { rule: 'fallback_rate_spike', from: { 3: 'pending', 4: 'firing', 50: 'resolved' } };
  assert.deepEqual(await play({}, [storm, long]), ['new:rate_limit_spike/', 'resolved:/rate_limit_spike+fallback_rate_spike']);
});

test('(a) a folded alert that clears and fires again after the settle window is still that incident', async () => {
  const long: Script = { rule: 'rate_limit_spike', from: { 0: 'pending', 1: 'firing', 40: 'resolved' } };
  const flapping: Script = { rule: 'fallback_rate_spike', from: { 3: 'pending', 4: 'firing', 10: 'resolved', 16: 'pending', 17: 'firing', 25: 'resolved' } };
  assert.deepEqual(await play({}, [long, flapping]), ['new:rate_limit_spike/', 'resolved:/rate_limit_spike+fallback_rate_spike']);
});

test('(b) a partial resolve is no message of its own: one resolved message when the whole group is', async () => {
  const both: Script = { rule: 'fallback_rate_spike', from: { 0: 'pending', 1: 'firing', 25: 'resolved' } };
  assert.deepEqual(await play({}, [storm, both]), ['new:rate_limit_spike+fallback_rate_spike/', 'resolved:/rate_limit_spike+fallback_rate_spike']);
});

test("(b) partial_resolved: true keeps Alertmanager's resolved message per part", async () => {
  const both: Script = { rule: 'fallback_rate_spike', from: { 0: 'pending', 1: 'firing', 25: 'resolved' } };
  assert.deepEqual(await play({ partial_resolved: true }, [storm, both]), [
    'new:rate_limit_spike+fallback_rate_spike/',
    'resolved:fallback_rate_spike/rate_limit_spike',
    'resolved:/fallback_rate_spike',
  ]);
});
