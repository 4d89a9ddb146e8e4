import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../core/errors.ts';
import { loadAlertsConfig, parseAlertsConfig } from './alerts-config.ts';
import { defaultRules, detectorNames } from './default-rules.ts';

const rule = { name: 'big-spend', metric: 'spend_usd', window: '5m', condition: { type: 'static', threshold: 10 } };

function rejects(input: unknown, ...fragments: string[]): void {
  assert.throws(
    () => parseAlertsConfig(input),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      for (const f of fragments) assert.ok(err.message.includes(f), `${err.message}\n  lacks: ${f}`);
      return true;
    },
  );
}

test('no section: every built-in detector on, Alertmanager-like timing', () => {
  const c = parseAlertsConfig(undefined);
  assert.equal(defaultRules(c.detectors).length, detectorNames.length);
  assert.deepEqual([c.route.group_wait, c.route.group_interval, c.route.repeat_interval], [30_000, 300_000, 14_400_000]);
});

test('errors name the key and say what to do', () => {
  rejects({ rules: [{ ...rule, window: '5 minutes' }] }, 'alerts.rules.0.window', 'not a duration');
  rejects({ rules: [{ ...rule, window: '90s' }] }, 'alerts.rules.0.window', 'whole minutes');
  rejects({ rules: [{ ...rule, metric: 'vibes' }] }, 'alerts.rules.0.metric');
  rejects({ rules: [{ ...rule, metric: 'error_rate', aggregation: 'max_per_minute' }] }, 'alerts.rules.0.aggregation');
  rejects({ rules: [{ ...rule, filters: { colour: 'red' } }] }, 'alerts.rules.0.filters');
  rejects({ rules: [{ ...rule, condition: { type: 'anomaly', peers: { by: 'team' } } }] }, 'alerts.rules.0.condition.peers.by', 'group_by');
  rejects({ rules: [{ ...rule, window: '1h', condition: { type: 'anomaly', baseline: { every: '5m', count: 7 } } }] }, 'baseline.every');
  rejects({ rules: [rule, rule] }, 'alerts.rules.1.name', 'duplicate');
  rejects({ rules: [{ ...rule, name: 'spend_spike' }] }, 'built-in');
  rejects({ rules: [{ ...rule, notify: ['nobody'] }] }, 'alerts.rules.0.notify.0', 'no receiver named "nobody"');
  rejects(
    { receivers: [{ name: 'ops', type: 'slack', url_env: 'https://hooks.slack.com/services/T/B/X' }] },
    'alerts.receivers.0.url_env',
    'environment variable',
  );
  rejects({ receivers: [{ name: 'ops', type: 'webhook', url_env: 'HOOK_URL' }] }, 'alerts.receivers.0.secret_env');
  rejects({ detectors: { spend_spik: false } }, 'alerts.detectors');
});

test('a secret pasted into the file is refused without echoing it', () => {
  const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
  assert.throws(
    () => parseAlertsConfig({ receivers: [{ name: 'ops', type: 'slack', url_env: url }] }),
    (err: Error) => !err.message.includes('XXXXSECRET'),
  );
});

test('the section is read from the routes file; the rest of the file is not its business', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alerts-config-'));
  const file = join(dir, 'routes.yaml');
  writeFileSync(
    file,
    'routes: []\nalerts:\n  detectors: { daily_spend: false }\n  rules:\n    - { name: big-spend, metric: spend_usd, window: 5m, condition: { type: static, threshold: 10 } }\n',
  );
  const c = loadAlertsConfig(file);
  assert.equal(c.rules[0]!.window, 300_000);
  assert.equal(
    defaultRules(c.detectors).some((r) => r.name === 'daily_spend'),
    false,
  );
  assert.throws(() => loadAlertsConfig(join(dir, 'missing.yaml')), ConfigError);
});
