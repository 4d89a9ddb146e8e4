import { v7 as uuidv7 } from 'uuid';
import { ATTEMPT_SCHEMA_VERSION, serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';

// The ingest benchmark's workload: realistic attempts, and a duplicate storm of re-sent copies.

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
const deployments = [
  ['openai', 'openai-us', 'gpt-4o-mini', 'us'],
  ['openai', 'openai-eu', 'gpt-4o', 'eu'],
  ['anthropic', 'claude-a', 'claude-3-5-haiku-latest', 'us'],
  ['anthropic', 'claude-b', 'claude-sonnet-4', 'us'],
  ['gemini', 'gemini-a', 'gemini-2.0-flash', 'eu'],
  ['gemini', 'gemini-b', 'gemini-2.5-pro', 'us'],
] as const;
const statuses = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'error'] as const;

/** A realistic attempt: 20 teams, 50 projects, 100 features, 5,000 users, 200 keys, 6 deployments. */
export function benchEvent(i: number, endedMs: number): AttemptEvent {
  const [provider, deployment, model, region] = pick(deployments, i * 7);
  const status = pick(statuses, i * 13);
  const latency = 200 + ((i * 37) % 3000);
  const input = 50 + ((i * 101) % 4000);
  const output = status === 'ok' ? 10 + ((i * 53) % 800) : 0;
  const startedMs = endedMs - latency;
  return {
    schema_version: ATTEMPT_SCHEMA_VERSION,
    // UUIDv7 from the start time, as the collector mints them.
    attempt_id: uuidv7({ msecs: startedMs }),
    request_id: uuidv7({ msecs: startedMs }),
    attempt_no: 1 + (i % 10 === 9 ? 1 : 0),
    is_final: status === 'ok' || i % 4 === 0,
    started_at: new Date(startedMs).toISOString(),
    ended_at: new Date(endedMs).toISOString(),
    ttft_ms: i % 3 === 0 ? latency / 4 : null,
    latency_ms: latency,
    route: pick(['chat', 'summarize', 'embed-rerank', 'agent'], i),
    requested_model: 'chat',
    provider,
    deployment,
    model,
    region,
    is_stream: i % 3 === 0,
    status,
    http_status: status === 'ok' ? 200 : status === 'rate_limited' ? 429 : 500,
    error_class: status === 'ok' ? null : status === 'rate_limited' ? 'rate_limited' : 'server',
    fallback_reason: i % 10 === 9 ? 'rate_limited' : 'none',
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: i % 5 === 0 ? 1024 : 0,
    reasoning_tokens: i % 11 === 0 ? output : 0,
    cost_usd: `0.${String((input * 15 + output * 60) % 999_999_999).padStart(12, '0')}`,
    price_version: 'genai-prices@bench',
    tags: {
      team: `team-${i % 20}`,
      project: `project-${i % 50}`,
      feature: `feature-${i % 100}`,
      user: `user-${i % 5000}`,
      api_key_id: `key_${(i % 200).toString(16).padStart(16, '0')}`,
      environment: i % 10 === 0 ? 'staging' : 'production',
      extra: {},
    },
    cache_write_tokens: provider === 'anthropic' && i % 7 === 0 ? 512 : 0,
    finish_reason: status === 'ok' ? 'stop' : null,
    provider_fields: status === 'ok' && provider === 'openai' ? { system_fingerprint: 'fp_bench' } : {},
    tier: pick(['economy', 'standard', 'standard', 'premium'], i),
    budget: { decision: 'allow', reserved_usd: '0.001000000000', delay_ms: 0, limited_by: '' },
    content: null,
    // Events shaped like those from before per-bucket pricing: the rollups carry their cost as unallocated.
    pricing: null,
    list_pricing: null,
    cost_by_bucket: null,
    list_cost_usd: null,
  };
}

/** One message as the collector produces it: keyed by request_id, so a copy lands on its original's partition. */
export interface BenchMessage {
  key: string;
  value: string;
}

/**
 * `events` fresh attempts in chunks of 2,000, each chunk followed by a re-send of `duplicateShare`
 * of it (evenly spread): the copies a lost acknowledgement or a spool replay puts at new offsets.
 * Calls `send` per chunk; returns how many messages that made.
 */
export async function produceStorm(
  events: number,
  duplicateShare: number,
  endedMsOf: (i: number) => number,
  send: (messages: BenchMessage[]) => Promise<void>,
): Promise<number> {
  let messages = 0;
  for (let sent = 0; sent < events; sent += 2000) {
    const chunk = Array.from({ length: Math.min(2000, events - sent) }, (_, k) => {
      const e = benchEvent(sent + k, endedMsOf(sent + k));
      return { key: e.request_id, value: serializeAttemptEvent(e) };
    });
    const copies = chunk.filter((_, k) => Math.floor((sent + k + 1) * duplicateShare) > Math.floor((sent + k) * duplicateShare));
    await send(chunk);
    if (copies.length > 0) await send(copies);
    messages += chunk.length + copies.length;
  }
  return messages;
}
