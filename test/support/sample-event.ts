import { randomUUID } from 'node:crypto';
import { ATTEMPT_SCHEMA_VERSION, NO_BUDGET, type AttemptEvent } from '../../core/events/attempt-event.ts';

/** A valid attempt event with fresh ids; override what a test cares about. */
export function sampleAttemptEvent(over: Partial<AttemptEvent> = {}): AttemptEvent {
  const started = Date.now() - 250;
  return {
    schema_version: ATTEMPT_SCHEMA_VERSION,
    attempt_id: randomUUID(),
    request_id: randomUUID(),
    attempt_no: 1,
    is_final: true,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(started + 200).toISOString(),
    ttft_ms: null,
    latency_ms: 200,
    route: 'chat',
    requested_model: 'chat',
    provider: 'openai',
    deployment: 'openai-primary',
    model: 'gpt-4o-mini',
    region: 'us',
    is_stream: false,
    status: 'ok',
    http_status: 200,
    error_class: null,
    fallback_reason: 'none',
    input_tokens: 100,
    output_tokens: 50,
    cached_input_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: '0.000045000000',
    price_version: 'test',
    tags: { team: 'search', project: 'p', feature: 'f', user: 'u', api_key_id: 'key_1', environment: 'test', extra: {} },
    cache_write_tokens: 0,
    finish_reason: 'stop',
    provider_fields: {},
    tier: '',
    budget: NO_BUDGET,
    content: null,
    // Without a breakdown, like events from before per-bucket pricing, so tests may set any cost_usd.
    pricing: null,
    list_pricing: null,
    cost_by_bucket: null,
    list_cost_usd: null,
    ...over,
  };
}
