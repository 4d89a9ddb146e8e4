import { randomUUID } from 'node:crypto';
import { ATTEMPT_SCHEMA_VERSION, NO_BUDGET, type AttemptEvent } from '../core/events/attempt-event.ts';
import { weightedOrder } from '../collector/routing/weighted-order.ts';

/** What one attempt on a simulated deployment does at simulated time t. */
export interface Outcome {
  status: 'ok' | 'error' | 'rate_limited';
  latencyMs: number;
}

/** A simulated deployment: its configured weight, list price (USD/1M tokens, input = output) and ground truth. */
export interface SimDeployment {
  name: string;
  weight: number;
  priceUsdPerMtok: number;
  outcome(tMs: number, random: () => number): Outcome;
}

export interface SimRoute {
  name: string;
  /** Requests per second offered to the route. */
  rate: number;
  deployments: SimDeployment[];
}

export { seededRandom as seeded } from '../collector/simulator/random.ts';

const INPUT_TOKENS = 500;
const OUTPUT_TOKENS = 100;

/**
 * Requests of one route during [fromMs, fromMs + stepMs): Poisson-like arrivals at `rate`, each
 * ordered by the collector's own weighted choice (configured weight × policy weight) and failed
 * over to the next deployment on a 429 or 5xx, at most `maxAttempts` attempts. One event per attempt.
 */
export function routeTraffic(
  route: SimRoute,
  policy: ReadonlyMap<string, number>,
  fromMs: number,
  stepMs: number,
  random: () => number,
  maxAttempts = 2,
): AttemptEvent[] {
  const events: AttemptEvent[] = [];
  const expected = (route.rate * stepMs) / 1000;
  // Whole expected requests plus one more with the fractional probability: unbiased at any rate.
  const n = Math.floor(expected) + (random() < expected % 1 ? 1 : 0);
  for (let i = 0; i < n; i++) {
    const start = fromMs + Math.floor(random() * stepMs);
    const order = weightedOrder(
      route.deployments.map((d) => ({ name: d.name, weight: d.weight * (policy.get(d.name) ?? 1), d })),
      random,
    );
    const requestId = randomUUID();
    let t = start;
    for (const [attempt, { d }] of order.slice(0, maxAttempts).entries()) {
      const o = d.outcome(t, random);
      const last = o.status === 'ok' || attempt === Math.min(order.length, maxAttempts) - 1;
      events.push(attemptEvent(route.name, d, requestId, attempt + 1, last, t, o));
      t += Math.round(o.latencyMs);
      if (o.status === 'ok') break;
    }
  }
  return events;
}

function attemptEvent(route: string, d: SimDeployment, requestId: string, attemptNo: number, isFinal: boolean, startMs: number, o: Outcome): AttemptEvent {
  const ok = o.status === 'ok';
  const cost = ok ? ((INPUT_TOKENS + OUTPUT_TOKENS) * d.priceUsdPerMtok) / 1e6 : 0;
  return {
    schema_version: ATTEMPT_SCHEMA_VERSION,
    attempt_id: randomUUID(),
    request_id: requestId,
    attempt_no: attemptNo,
    is_final: isFinal,
    started_at: new Date(startMs).toISOString(),
    ended_at: new Date(startMs + Math.round(o.latencyMs)).toISOString(),
    ttft_ms: null,
    latency_ms: Math.round(o.latencyMs),
    route,
    requested_model: route,
    provider: 'openai-compatible',
    deployment: d.name,
    model: 'sim',
    region: 'us',
    is_stream: false,
    status: o.status,
    http_status: ok ? 200 : o.status === 'rate_limited' ? 429 : 500,
    error_class: ok ? null : o.status === 'rate_limited' ? 'rate_limited' : 'server',
    fallback_reason: attemptNo === 1 ? 'none' : 'server_error',
    input_tokens: ok ? INPUT_TOKENS : 0,
    output_tokens: ok ? OUTPUT_TOKENS : 0,
    cached_input_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: cost.toFixed(12),
    price_version: 'bench',
    tags: { team: 'bench', project: '', feature: '', user: '', api_key_id: '', environment: 'bench', extra: {} },
    cache_write_tokens: 0,
    finish_reason: ok ? 'stop' : null,
    provider_fields: {},
    tier: '',
    budget: NO_BUDGET,
    content: null,
    pricing: null,
    list_pricing: null,
    cost_by_bucket: null,
    list_cost_usd: null,
  };
}
