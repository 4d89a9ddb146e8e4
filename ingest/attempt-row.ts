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

export function toAttemptRow(event: AttemptEvent): AttemptRow {
  const { tags, error_class, finish_reason, budget, content, pricing: _p, list_pricing: _l, cost_by_bucket: _c, list_cost_usd: _lc, shadow, ...rest } = event;
  return {
    ...rest,
    ...pricingColumns(event),
    error_class: error_class ?? '',
    team: tags.team,
    project: tags.project,
    feature: tags.feature,
    user: tags.user,
    api_key_id: tags.api_key_id,
    environment: tags.environment,
    tags_extra: tags.extra,
    finish_reason: finish_reason ?? '',
    budget_decision: budget.decision,
    budget_reserved_usd: budget.reserved_usd,
    budget_delay_ms: Math.round(budget.delay_ms),
    budget_limited_by: budget.limited_by,
    prompt_text: content?.prompt ?? '',
    completion_text: content?.completion ?? '',
    // Always present: the insert's column list comes from the first row of a batch.
    usage_estimated: rest.usage_estimated ?? false,
    parity: rest.parity ?? '',
    shadow_of: shadow?.of ?? '',
    shadow_match: shadow?.match ?? false,
    shadow_differences: shadow?.differences ?? [],
  };
}
