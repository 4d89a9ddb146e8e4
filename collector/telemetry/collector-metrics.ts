import type { Attributes, Meter } from '@opentelemetry/api';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import type { BreakerState } from '../resilience/deployment-breakers.ts';

/** Decode time per output token after the first, for streams that produced more than one; ms. */
export function timePerOutputTokenMs(e: Pick<AttemptEvent, 'ttft_ms' | 'latency_ms' | 'output_tokens' | 'reasoning_tokens' | 'is_stream'>): number | null {
  const outputs = e.output_tokens + e.reasoning_tokens;
  if (!e.is_stream || e.ttft_ms === null || outputs < 2) return null;
  return Math.max(0, e.latency_ms - e.ttft_ms) / (outputs - 1);
}

const circuitLevel: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Collector metrics after the OpenTelemetry GenAI conventions (operation duration, token usage,
 * time to first chunk), plus cost, retries and circuit state. Fed from attempt events, so the
 * numbers match what is billed.
 */
export function createCollectorMetrics(
  meter: Meter,
  circuits: () => Array<{ route: string; deployment: string; state: BreakerState }>,
): { attemptEnded(event: AttemptEvent): void; overhead(ms: number): void } {
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    description: 'GenAI operation duration, per provider attempt',
    advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
  });
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Tokens per attempt, by gen_ai.token.type',
    advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576] },
  });
  const firstChunk = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
    unit: 's',
    description: 'Time to the first streamed content chunk',
  });
  const perToken = meter.createHistogram('gen_ai.client.operation.time_per_output_chunk', {
    unit: 's',
    description: 'Streams: time per output token after the first (decode speed)',
    advice: { explicitBucketBoundaries: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5] },
  });
  const cost = meter.createCounter('switchyard.collector.cost', {
    unit: 'USD',
    description: 'Provider cost of attempts (float here; exact decimals are in the events)',
  });
  const overhead = meter.createHistogram('switchyard.collector.overhead', {
    unit: 'ms',
    description: "The shim's own time per answered request: wall time minus upstream attempts and backoff waits",
    advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100] },
  });
  const retries = meter.createCounter('switchyard.collector.retries', { description: 'Attempts that exist because an earlier one failed, by reason' });
  // The serving process's V8 heap (OTel semantic-convention name): a leak per request shows as its slope (bench:soak).
  meter
    .createObservableGauge('v8js.memory.heap.used', { unit: 'By', description: 'V8 heap in use by the collector process' })
    .addCallback((result) => result.observe(process.memoryUsage().heapUsed));
  meter
    .createObservableGauge('switchyard.collector.circuit_state', { description: 'Circuit per deployment: 0 closed, 1 half-open, 2 open' })
    .addCallback((result) => {
      for (const { route, deployment, state } of circuits())
        result.observe(circuitLevel[state], { 'switchyard.route': route, 'switchyard.deployment': deployment });
    });

  // Attribute sets are few (provider × model × deployment × error class) but were rebuilt, spread
  // and hashed anew for each of the ~6 records per attempt; built once per combination instead.
  const attrSets = new Map<string, { base: Attributes; input: Attributes; output: Attributes; cost: Attributes }>();
  const attrsOf = (e: AttemptEvent) => {
    const key = `${e.provider}\u0000${e.requested_model}\u0000${e.model}\u0000${e.deployment}\u0000${e.error_class ?? ''}`;
    let sets = attrSets.get(key);
    if (!sets) {
      const base: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': e.provider,
        'gen_ai.request.model': e.requested_model,
        'gen_ai.response.model': e.model,
        'switchyard.deployment': e.deployment,
        ...(e.error_class ? { 'error.type': e.error_class } : {}),
      };
      sets = {
        base,
        input: { ...base, 'gen_ai.token.type': 'input' },
        output: { ...base, 'gen_ai.token.type': 'output' },
        // No team: it comes from a request header, and /metrics drops it anyway (core/telemetry/untrusted-attributes.ts).
        cost: { 'gen_ai.provider.name': e.provider, 'gen_ai.response.model': e.model },
      };
      // Response models come from providers: bounded so an odd provider cannot grow it without end.
      if (attrSets.size >= 1024) attrSets.clear();
      attrSets.set(key, sets);
    }
    return sets;
  };

  return {
    overhead: (ms) => overhead.record(ms),
    attemptEnded(e) {
      const { base: attrs, input, output, cost: costAttrs } = attrsOf(e);
      duration.record(e.latency_ms / 1000, attrs);
      if (e.status === 'ok' || e.input_tokens + e.output_tokens > 0) {
        tokens.record(e.input_tokens + e.cached_input_tokens + e.cache_write_tokens, input);
        tokens.record(e.output_tokens + e.reasoning_tokens, output);
      }
      if (e.ttft_ms !== null) firstChunk.record(e.ttft_ms / 1000, attrs);
      const perOutputToken = timePerOutputTokenMs(e);
      if (perOutputToken !== null) perToken.record(perOutputToken / 1000, attrs);
      cost.add(Number(e.cost_usd), costAttrs);
      if (e.fallback_reason !== 'none') retries.add(1, { 'switchyard.fallback_reason': e.fallback_reason });
    },
  };
}
