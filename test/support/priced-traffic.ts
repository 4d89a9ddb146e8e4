import { randomUUID } from 'node:crypto';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';
import { buildAttemptEvent, ZERO_USAGE, type AttemptFacts, type AttemptRefusal } from '../../collector/dispatch/attempt-event-builder.ts';
import type { Deployment } from '../../collector/dispatch/route-table.ts';
import type { DeploymentConfig } from '../../collector/config/routes-config.ts';
import { resolvePriceSheet } from '../../collector/pricing/price-sheet.ts';
import { adapterFor } from '../../collector/providers/index.ts';
import { ProviderError, type Usage } from '../../collector/providers/provider.ts';

const config = (over: Partial<DeploymentConfig>): DeploymentConfig => ({
  name: 'd',
  provider: 'openai',
  base_url: 'http://127.0.0.1:1',
  api_key_env: 'K',
  model: 'gpt-4o-mini',
  weight: 1,
  region: 'us',
  tier: 'standard',
  capabilities: { tools: true, vision: true, json_mode: true },
  ...over,
});

function deployment(over: Partial<DeploymentConfig>): Deployment {
  const c = config(over);
  return { config: c, adapter: adapterFor('openai'), target: { baseUrl: c.base_url, apiKey: 'k', model: c.model }, price: resolvePriceSheet(c) };
}

/** Three priced deployments: catalog (list = applied), negotiated below catalog, and Anthropic with cache writes. */
export const pricedDeployments = {
  catalog: deployment({ name: 'openai-catalog' }),
  negotiated: deployment({ name: 'openai-negotiated', region: 'eu', price: { input_per_mtok: '0.1', output_per_mtok: '0.5', cached_input_per_mtok: '0.05' } }),
  anthropic: deployment({ name: 'claude', provider: 'anthropic', model: 'claude-3-5-haiku-latest', tier: 'premium' }),
};

const noTags: Record<string, string> = {};
const failure = (kind: ProviderError['kind'], httpStatus: number | null) => new ProviderError(kind, kind, httpStatus);

/**
 * 55 requests in one hour of `day`, made by the real event builder: 28 served (some after a
 * rate-limited or failed first attempt, some streamed, some writing the prompt cache) and 27 not
 * (10 refused by a budget, 7 by open circuits, 5 failed after a retry, 5 cancelled), over two
 * teams with free tags. Returns every attempt event.
 */
export function pricedTraffic(day: string, hour = 10): AttemptEvent[] {
  const events: AttemptEvent[] = [];
  const base = Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);
  const { catalog, negotiated, anthropic } = pricedDeployments;
  for (let i = 0; i < 55; i++) {
    const at = base + i * 61_000;
    const team = i % 2 === 0 ? 'search' : 'ads';
    const tags = {
      team,
      project: `p${i % 3}`,
      feature: 'f',
      user: `u${i % 4}`,
      api_key_id: `key_${i % 2}`,
      environment: 'prod',
      extra: i % 5 === 0 ? noTags : { cost_center: `cc${i % 3}`, app: 'web' },
    };
    const request = { requestId: randomUUID(), tags, signal: new AbortController().signal };
    const facts = (over: Partial<AttemptFacts>): AttemptFacts => ({
      context: request,
      route: 'chat',
      requestedModel: 'chat',
      deployment: catalog,
      attemptNo: 1,
      isFinal: true,
      isStream: false,
      startedAtMs: at,
      endedAtMs: at + 300 + i * 10,
      ttftMs: null,
      responseModel: null,
      usage: ZERO_USAGE,
      fallbackReason: 'none',
      failure: null,
      ...over,
    });
    const usage: Usage = {
      inputTokens: 1000 + i,
      cachedInputTokens: i % 3 === 0 ? 512 : 0,
      cacheWriteTokens: 0,
      outputTokens: 100 + i,
      reasoningTokens: i % 4 === 0 ? 37 : 0,
    };
    const refusal = (kind: AttemptRefusal, budget = false) =>
      buildAttemptEvent(
        facts({
          failure: kind,
          endedAtMs: at,
          budget: budget ? { decision: 'reject', reserved_usd: '0.01', delay_ms: 0, limited_by: `team:${team}` } : undefined,
        }),
      );
    if (i < 14) events.push(buildAttemptEvent(facts({ deployment: i % 2 ? negotiated : catalog, usage })));
    else if (i < 20) {
      events.push(buildAttemptEvent(facts({ isFinal: false, failure: failure('rate_limited', 429), endedAtMs: at + 40 })));
      events.push(buildAttemptEvent(facts({ attemptNo: 2, deployment: negotiated, fallbackReason: 'rate_limited', usage, startedAtMs: at + 50 })));
    } else if (i < 28) {
      const cached: Usage = { ...usage, cacheWriteTokens: 2048 + i, cachedInputTokens: i % 2 ? 4096 : 0 };
      events.push(buildAttemptEvent(facts({ deployment: anthropic, usage: cached, isStream: true, ttftMs: 100 + i * 5, tier: 'premium' })));
    } else if (i < 38) events.push(refusal('budget_exhausted', true));
    else if (i < 45) events.push(refusal('circuit_open'));
    else if (i < 50) {
      events.push(buildAttemptEvent(facts({ isFinal: false, failure: failure('server', 500), endedAtMs: at + 90 })));
      events.push(
        buildAttemptEvent(
          facts({ attemptNo: 2, deployment: negotiated, fallbackReason: 'server_error', failure: failure('timeout', null), startedAtMs: at + 100 }),
        ),
      );
    } else events.push(buildAttemptEvent(facts({ failure: 'cancelled', usage: { ...ZERO_USAGE, inputTokens: 900 } })));
  }
  return events;
}
