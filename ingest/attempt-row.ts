import type { AttemptEvent, AttemptRates } from '../core/events/attempt-event.ts';

/** The `attempts` table row for one event: the event flattened, tags spread into columns. */
export type AttemptRow = Omit<
  AttemptEvent,
  'tags' | 'error_class' | 'finish_reason' | 'budget' | 'content' | 'pricing' | 'list_pricing' | 'cost_by_bucket' | 'list_cost_usd' | 'shadow'
> & {
  error_class: string;
  /** Parity columns of migration 0110: '' / false / [] when the attempt was not checked or not shadow traffic. */
  shadow_of: string;
  shadow_match: boolean;
  shadow_differences: string[];
  team: string;
  project: string;
  feature: string;
  user: string;
  api_key_id: string;
  environment: string;
  tags_extra: Record<string, string>;
  finish_reason: string;
  budget_decision: string;
  budget_reserved_usd: string;
  budget_delay_ms: number;
  budget_limited_by: string;
  prompt_text: string;
  completion_text: string;
} & PricingColumns;

/** Rates (USD per million tokens) and exact USD per bucket, as the `attempts` columns of migration 0015. */
interface PricingColumns {
  input_per_mtok: string;
  cached_input_per_mtok: string;
  cache_write_per_mtok: string;
  output_per_mtok: string;
  list_input_per_mtok: string;
  list_cached_input_per_mtok: string;
  list_cache_write_per_mtok: string;
  list_output_per_mtok: string;
  input_cost_usd: string;
  cached_input_cost_usd: string;
  cache_write_cost_usd: string;
  output_cost_usd: string;
  reasoning_cost_usd: string;
  list_cost_usd: string;
}

const NO_RATES: AttemptRates = { input_per_mtok: '0', cached_input_per_mtok: '0', cache_write_per_mtok: '0', output_per_mtok: '0' };

/**
 * Events from before per-bucket pricing carry none: their rates and bucket costs are stored as 0
 * (the rollups count their cost as unallocated) and list cost as the cost itself.
 */
function pricingColumns(event: AttemptEvent): PricingColumns {
  const rates = event.pricing ?? NO_RATES;
  const list = event.list_pricing ?? event.pricing ?? NO_RATES;
  const cost = event.cost_by_bucket;
  return {
    input_per_mtok: rates.input_per_mtok,
    cached_input_per_mtok: rates.cached_input_per_mtok,
    cache_write_per_mtok: rates.cache_write_per_mtok,
    output_per_mtok: rates.output_per_mtok,
    list_input_per_mtok: list.input_per_mtok,
    list_cached_input_per_mtok: list.cached_input_per_mtok,
    list_cache_write_per_mtok: list.cache_write_per_mtok,
    list_output_per_mtok: list.output_per_mtok,
    input_cost_usd: cost?.input ?? '0',
    cached_input_cost_usd: cost?.cached_input ?? '0',
    cache_write_cost_usd: cost?.cache_write ?? '0',
    output_cost_usd: cost?.output ?? '0',
    reasoning_cost_usd: cost?.reasoning ?? '0',
    list_cost_usd: event.list_cost_usd ?? event.cost_usd,
  };
}

/**
 * The row for one event. Every column is named here, in one fixed order, and no part of the event
 * is spread: it may come straight from the compiled validator with fields this version does not know
 * (they must not become columns), and a literal of known shape builds several times faster than
 * rest-and-spread of a 40-field object, which dominated ingest's CPU profile (bench/profiles/ingest-cpu.md).
 */
export function toAttemptRow(event: AttemptEvent): AttemptRow {
  const { tags, budget, content, shadow } = event;
  return {
    schema_version: event.schema_version,
    attempt_id: event.attempt_id,
    request_id: event.request_id,
    attempt_no: event.attempt_no,
    is_final: event.is_final,
    started_at: event.started_at,
    ended_at: event.ended_at,
    ttft_ms: event.ttft_ms,
    latency_ms: event.latency_ms,
    route: event.route,
    requested_model: event.requested_model,
    provider: event.provider,
    deployment: event.deployment,
    model: event.model,
    region: event.region,
    is_stream: event.is_stream,
    status: event.status,
    http_status: event.http_status,
    error_class: event.error_class ?? '',
    fallback_reason: event.fallback_reason,
    input_tokens: event.input_tokens,
    output_tokens: event.output_tokens,
    cached_input_tokens: event.cached_input_tokens,
    reasoning_tokens: event.reasoning_tokens,
    cost_usd: event.cost_usd,
    price_version: event.price_version,
    cache_write_tokens: event.cache_write_tokens,
    provider_fields: event.provider_fields,
    tier: event.tier,
    ...pricingColumns(event),
    team: tags.team,
    project: tags.project,
    feature: tags.feature,
    user: tags.user,
    api_key_id: tags.api_key_id,
    environment: tags.environment,
    tags_extra: tags.extra,
    finish_reason: event.finish_reason ?? '',
    budget_decision: budget.decision,
    budget_reserved_usd: budget.reserved_usd,
    budget_delay_ms: Math.round(budget.delay_ms),
    budget_limited_by: budget.limited_by,
    prompt_text: content?.prompt ?? '',
    completion_text: content?.completion ?? '',
    // Always present: the insert's column list comes from the first row of a batch.
    usage_estimated: event.usage_estimated ?? false,
    parity: event.parity ?? '',
    shadow_of: shadow?.of ?? '',
    shadow_match: shadow?.match ?? false,
    shadow_differences: shadow?.differences ?? [],
  };
}
