import type { AttemptEvent, AttemptRates } from '../core/events/attempt-event.ts';
import type { BatchIdentity } from './attempt-dedupe.ts';

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

/** The offset range of the insert a row went in with (the `attempts` columns of its deduplication identity). */
export type SourceColumns = BatchIdentity;

/** An `attempts` row as ingest inserts it: the event's columns and its insert's offset range. */
export type SourcedAttemptRow = AttemptRow & SourceColumns;

/**
 * The columns ingest fills, in the order of `toAttemptValues`: the event's, then the offset
 * range's. Every insert names them (JSONCompactEachRow), so the order here is the only one.
 */
export const ATTEMPT_COLUMNS = [
  'schema_version',
  'attempt_id',
  'request_id',
  'attempt_no',
  'is_final',
  'started_at',
  'ended_at',
  'ttft_ms',
  'latency_ms',
  'route',
  'requested_model',
  'provider',
  'deployment',
  'model',
  'region',
  'is_stream',
  'status',
  'http_status',
  'error_class',
  'fallback_reason',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'cost_usd',
  'price_version',
  'cache_write_tokens',
  'provider_fields',
  'tier',
  'input_per_mtok',
  'cached_input_per_mtok',
  'cache_write_per_mtok',
  'output_per_mtok',
  'list_input_per_mtok',
  'list_cached_input_per_mtok',
  'list_cache_write_per_mtok',
  'list_output_per_mtok',
  'input_cost_usd',
  'cached_input_cost_usd',
  'cache_write_cost_usd',
  'output_cost_usd',
  'reasoning_cost_usd',
  'list_cost_usd',
  'team',
  'project',
  'feature',
  'user',
  'api_key_id',
  'environment',
  'tags_extra',
  'finish_reason',
  'budget_decision',
  'budget_reserved_usd',
  'budget_delay_ms',
  'budget_limited_by',
  'prompt_text',
  'completion_text',
  'usage_estimated',
  'parity',
  'shadow_of',
  'shadow_match',
  'shadow_differences',
  'source',
  'source_partition',
  'batch_first_offset',
  'batch_last_offset',
] as const satisfies ReadonlyArray<keyof SourcedAttemptRow>;

/** One row's values in `ATTEMPT_COLUMNS` order, each typed as its column (checked at compile time). */
export type AttemptValues = ValuesOf<typeof ATTEMPT_COLUMNS>;

/** A tuple of column names mapped to their values' types (mapped over a type parameter, so only the elements are). */
type ValuesOf<C extends ReadonlyArray<keyof SourcedAttemptRow>> = { -readonly [I in keyof C]: SourcedAttemptRow[C[I] & keyof SourcedAttemptRow] };

const NO_SOURCE: SourceColumns = { source: '', source_partition: 0, batch_first_offset: 0, batch_last_offset: 0 };

/**
 * The values of one event's row, in `ATTEMPT_COLUMNS` order, as ingest inserts them
 * (JSONCompactEachRow). One array literal and nothing else: building a 64-field row object and
 * then reading it back by column name cost ingest 9–14 µs of CPU per event against 5–8 for the
 * array (50,000 bench events, five rounds; docs/ingest-performance.md, "The writer alone").
 * No part of the event is spread: it may come straight from the compiled validator with fields
 * this version does not know, which must not become values.
 *
 * Events from before per-bucket pricing carry no rates or bucket costs: they are stored as 0 (the
 * rollups count their cost as unallocated) and list cost as the cost itself.
 */
export function toAttemptValues(event: AttemptEvent, source: SourceColumns): AttemptValues {
  const { tags, budget, content, shadow } = event;
  const rates = event.pricing ?? NO_RATES;
  const list = event.list_pricing ?? event.pricing ?? NO_RATES;
  const cost = event.cost_by_bucket;
  return [
    event.schema_version,
    event.attempt_id,
    event.request_id,
    event.attempt_no,
    event.is_final,
    event.started_at,
    event.ended_at,
    event.ttft_ms,
    event.latency_ms,
    event.route,
    event.requested_model,
    event.provider,
    event.deployment,
    event.model,
    event.region,
    event.is_stream,
    event.status,
    event.http_status,
    event.error_class ?? '',
    event.fallback_reason,
    event.input_tokens,
    event.output_tokens,
    event.cached_input_tokens,
    event.reasoning_tokens,
    event.cost_usd,
    event.price_version,
    event.cache_write_tokens,
    event.provider_fields,
    event.tier,
    rates.input_per_mtok,
    rates.cached_input_per_mtok,
    rates.cache_write_per_mtok,
    rates.output_per_mtok,
    list.input_per_mtok,
    list.cached_input_per_mtok,
    list.cache_write_per_mtok,
    list.output_per_mtok,
    cost?.input ?? '0',
    cost?.cached_input ?? '0',
    cost?.cache_write ?? '0',
    cost?.output ?? '0',
    cost?.reasoning ?? '0',
    event.list_cost_usd ?? event.cost_usd,
    tags.team,
    tags.project,
    tags.feature,
    tags.user,
    tags.api_key_id,
    tags.environment,
    tags.extra,
    event.finish_reason ?? '',
    budget.decision,
    budget.reserved_usd,
    Math.round(budget.delay_ms),
    budget.limited_by,
    content?.prompt ?? '',
    content?.completion ?? '',
    event.usage_estimated ?? false,
    event.parity ?? '',
    shadow?.of ?? '',
    shadow?.match ?? false,
    shadow?.differences ?? [],
    source.source,
    source.source_partition,
    source.batch_first_offset,
    source.batch_last_offset,
  ];
}

/** Columns of the event's own part of a row (`ATTEMPT_COLUMNS` without the offset range). */
const EVENT_COLUMNS = ATTEMPT_COLUMNS.length - 4;

/**
 * The row for one event as an object, by column name, without the offset range (which inserts
 * elsewhere leave to the table's defaults). For tests and tools that insert a few rows by name;
 * ingest itself inserts `toAttemptValues`.
 */
export function toAttemptRow(event: AttemptEvent): AttemptRow {
  const values = toAttemptValues(event, NO_SOURCE);
  const row: Record<string, unknown> = {};
  for (let i = 0; i < EVENT_COLUMNS; i++) row[ATTEMPT_COLUMNS[i]!] = values[i];
  return row as unknown as AttemptRow;
}
