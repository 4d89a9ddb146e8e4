import { randomUUID } from 'node:crypto';
import { priceAttempt } from '../../collector/pricing/attempt-pricing.ts';
import type { PriceSheet } from '../../collector/pricing/price-sheet.ts';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import { InProcessAttemptBus } from '../../core/transport/in-process-bus.ts';
import { createIngestService } from '../../ingest/ingest-service.ts';
import { sampleAttemptEvent } from './sample-event.ts';

/** Negotiated rates below the list (catalog) rates, so list and effective cost differ. */
const sheets: Record<string, PriceSheet> = {
  'openai-primary': {
    input: '0.15',
    cachedInput: '0.075',
    cacheWrite: '0.15',
    output: '0.6',
    version: 'test:openai',
    list: { input: '0.2', cachedInput: '0.1', cacheWrite: '0.2', output: '0.8' },
  },
  'anthropic-backup': {
    input: '0.8',
    cachedInput: '0.08',
    cacheWrite: '1',
    output: '4',
    version: 'test:anthropic',
    list: { input: '0.8', cachedInput: '0.08', cacheWrite: '1', output: '4' },
  },
};
const deployments = {
  'openai-primary': { provider: 'openai', model: 'gpt-4o-mini' },
  'anthropic-backup': { provider: 'anthropic', model: 'claude-3-5-haiku' },
} as const;
const tenants = [
  { team: 'search', project: 'autocomplete', feature: 'suggest', api_key_id: 'key_search' },
  { team: 'payments', project: 'checkout', feature: 'fraud', api_key_id: 'key_pay' },
  { team: 'support', project: 'helpdesk', feature: 'summarize', api_key_id: 'key_support' },
];

/** A small deterministic PRNG (mulberry32), so seeded traffic is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `requests` requests spread over [startMs, endMs) on route `chat` (openai-primary first,
 * anthropic-backup on failure) and `batch` (openai-primary only): ok, 429s, 5xx and timeouts with
 * failovers, streams with TTFT, cache reads and writes, budget refusals, three teams, tags —
 * priced by the real pricing code. Deterministic for a seed.
 */
export function seededTraffic(startMs: number, endMs: number, requests: number, seed = 42): AttemptEvent[] {
  const rand = prng(seed);
  const events: AttemptEvent[] = [];
  for (let i = 0; i < requests; i++) {
    const tenant = tenants[Math.floor(rand() * tenants.length)]!;
    const route = rand() < 0.8 ? 'chat' : 'batch';
    const requestId = randomUUID();
    const tags = { ...tenant, user: `user-${Math.floor(rand() * 5)}`, environment: 'prod', extra: { region_hint: rand() < 0.5 ? 'eu' : 'us' } };
    let at = startMs + Math.floor(((endMs - startMs) * i) / requests);
    if (rand() < 0.03) {
      events.push(
        sampleAttemptEvent({
          request_id: requestId,
          route,
          requested_model: route,
          started_at: iso(at),
          ended_at: iso(at + 1),
          latency_ms: 1,
          status: 'rejected',
          http_status: 429,
          error_class: 'budget_exhausted',
          input_tokens: 0,
          output_tokens: 0,
          cost_usd: '0',
          budget: { decision: 'reject', reserved_usd: '0', delay_ms: 0, limited_by: `team:${tenant.team}` },
          tags,
          finish_reason: null,
        }),
      );
      continue;
    }
    const roll = rand();
    const firstStatus = roll < 0.82 ? 'ok' : roll < 0.9 ? 'rate_limited' : roll < 0.96 ? 'error' : 'timeout';
    const plan: Array<{ deployment: keyof typeof deployments; status: AttemptEvent['status'] }> = [{ deployment: 'openai-primary', status: firstStatus }];
    if (firstStatus !== 'ok') plan.push({ deployment: route === 'chat' ? 'anthropic-backup' : 'openai-primary', status: rand() < 0.9 ? 'ok' : 'error' });
    plan.forEach((step, n) => {
      const stream = rand() < 0.5;
      const ok = step.status === 'ok';
      const latency = ok ? 150 + Math.floor(rand() * (rand() < 0.1 ? 14_000 : 2_500)) : step.status === 'timeout' ? 30_000 : 40 + Math.floor(rand() * 200);
      const usage = {
        inputTokens: ok || step.status === 'timeout' ? 200 + Math.floor(rand() * 2_000) : 0,
        cachedInputTokens: ok && rand() < 0.3 ? 1_024 : 0,
        cacheWriteTokens: ok && step.deployment === 'anthropic-backup' && rand() < 0.2 ? 512 : 0,
        outputTokens: ok ? 20 + Math.floor(rand() * 600) : 0,
        reasoningTokens: ok && rand() < 0.1 ? 64 : 0,
      };
      const price = priceAttempt(usage, sheets[step.deployment]!);
      const ttft = ok && stream ? Math.min(latency, 50 + Math.floor(rand() * 1_800)) : null;
      events.push(
        sampleAttemptEvent({
          request_id: requestId,
          attempt_no: n + 1,
          is_final: n === plan.length - 1,
          route,
          requested_model: route,
          started_at: iso(at),
          ended_at: iso(at + latency),
          latency_ms: latency,
          ttft_ms: ttft,
          is_stream: stream,
          provider: deployments[step.deployment].provider,
          deployment: step.deployment,
          model: deployments[step.deployment].model,
          status: step.status,
          http_status: ok ? 200 : step.status === 'rate_limited' ? 429 : step.status === 'timeout' ? null : 503,
          error_class: ok ? null : step.status === 'rate_limited' ? 'rate_limited' : step.status === 'timeout' ? 'timeout' : 'server',
          fallback_reason: n === 0 ? 'none' : plan[0]!.status === 'rate_limited' ? 'rate_limited' : plan[0]!.status === 'timeout' ? 'timeout' : 'server_error',
          input_tokens: usage.inputTokens,
          cached_input_tokens: usage.cachedInputTokens,
          cache_write_tokens: usage.cacheWriteTokens,
          output_tokens: usage.outputTokens,
          reasoning_tokens: usage.reasoningTokens,
          price_version: sheets[step.deployment]!.version,
          finish_reason: ok ? 'stop' : null,
          tags,
          ...price,
        }),
      );
      at += latency + 5;
    });
  }
  return events;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Stores events through the real embedded path: in-process bus → ingest service → ClickHouse. */
export async function ingestThroughPipeline(clickhouse: ClickHouseClient, events: AttemptEvent[]): Promise<void> {
  const bus = new InProcessAttemptBus({ batchSize: 500, lingerMs: 5 });
  const ingest = createIngestService({ subscriber: bus.subscriber, clickhouse, source: `seed-${randomUUID().slice(0, 8)}` });
  await ingest.start();
  for (const event of events) bus.publisher.publish(event);
  await bus.publisher.flush();
  await ingest.stop();
  await bus.publisher.close();
}
