import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertService } from '../alert-service.ts';
import { recordingNotifier } from '../notify/recording-notifier.ts';
import { MemoryWindowSource, type MinuteBucket } from '../source/memory-window-source.ts';
import { MemoryAlertEventStore } from '../store/alert-event-store.ts';
import { parseAlertsConfig } from './alerts-config.ts';
import { defaultRules } from './default-rules.ts';

// Cause of extra notices in the benchmark: a provider's 429 storm fires rate_limit_spike on it and,
// a minute later, fallback_rate_spike on the providers its requests fail over to — one incident,
// one route group, but two notices. The ratio detectors now pass through pending (1 m), so the
// group's hold sees the second coming and one notice carries all three.

const MIN = 60_000;
const START = Date.UTC(2026, 10, 2);
const STORM = START + 86_400_000 + 14 * 60 * MIN; // day 1, 14:00, for 20 minutes

function traffic(): MinuteBucket[] {
  const buckets: MinuteBucket[] = [];
  for (let t = START; t < STORM + 40 * MIN; t += MIN) {
    const storm = t >= STORM && t < STORM + 20 * MIN;
    for (const provider of ['anthropic', 'openai', 'gemini']) {
      const failedOver = storm && provider !== 'anthropic' ? 8 : 0;
      buckets.push({
        minuteMs: t,
        dims: { route: 'chat', provider, deployment: provider },
        requests: 40,
        attempts: 40 + failedOver,
        errors: 0,
        fallbacks: failedOver,
        rate_limited: provider === 'anthropic' ? (storm ? 16 : t % (7 * MIN) === 0 ? 1 : 0) : 0,
        final_failures: 0,
        spend_usd: 0.4,
        tokens: 0,
        p95_latency_ms: 500,
        p99_latency_ms: 900,
        p95_ttft_ms: 200,
        p99_ttft_ms: 300,
      });
    }
  }
  return buckets;
}

test('a 429 storm and the failovers it causes: one firing notice for the route', async () => {
  const { notifier, sent } = recordingNotifier(parseAlertsConfig({}).route);
  const rules = defaultRules().filter((r) => ['rate_limit_spike', 'fallback_rate_spike'].includes(r.name));
  const service = new AlertService({
    rules: async () => rules,
    source: new MemoryWindowSource(traffic()),
    events: new MemoryAlertEventStore(),
    notifier,
    clock: { now: () => STORM },
    evaluationIntervalMs: MIN,
    log: (m) => assert.fail(m),
  });
  for (let t = STORM - 5 * MIN; t < STORM + 15 * MIN; t += MIN) {
    await service.evaluate(t + 5_000);
    await service.flush(t + 35_000);
  }
  const firing = sent.filter((n) => n.firing.length > 0);
  assert.equal(firing.length, 1, firing.map((n) => `${n.reason}: ${n.firing.map((a) => a.labels.alertname).join('+')}`).join('\n'));
  assert.deepEqual(firing[0]!.firing.map((a) => `${a.labels.alertname}{${a.labels.provider}}`).sort(), [
    'fallback_rate_spike{gemini}',
    'fallback_rate_spike{openai}',
    'rate_limit_spike{anthropic}',
  ]);
});
