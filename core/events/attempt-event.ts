import { z } from 'zod';
import { sumUsd } from '../money/decimal-usd.ts';

/** Kafka topic carrying attempt events; the version suffix changes only with a breaking schema change. */
export const ATTEMPT_TOPIC = 'llm.attempts.v1';
export const ATTEMPT_SCHEMA_VERSION = 1;

export const attemptStatuses = ['ok', 'error', 'timeout', 'rate_limited', 'cancelled', 'rejected'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/**
 * Why an attempt exists: the first try, the failure of the previous attempt that caused it, a
 * hedge twin, or a budget downgrade to a cheaper deployment.
 */
export const fallbackReasons = [
  'none',
  'rate_limited',
  'server_error',
  'timeout',
  'network_error',
  'invalid_response',
  'context_length',
  'unsupported_parameter',
  'content_filter',
  'hedge',
  'budget_downgrade',
  'other',
] as const;
export type FallbackReason = (typeof fallbackReasons)[number];

/**
 * An enumeration on the wire that stays open: the values above are what this version produces,
 * and a value a newer producer adds is kept as-is (short snake_case text) instead of failing the
 * event, so an older ingest never dead-letters newer events. Readers treat unknown values as `other`.
 */
const openEnum = (known: readonly string[]) => z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, `must be a short snake_case value (known: ${known.join(', ')})`);

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
const isoTime = z.iso.datetime({ offset: true });
const tokens = z.number().int().nonnegative();
/** Exact decimal USD as a string, so no float rounding ever touches money. */
const decimalUsd = z.string().regex(/^\d+(\.\d{1,12})?$/, 'must be a non-negative decimal string');

export const attemptTagsSchema = z.object({
  team: z.string().max(128).default(''),
  project: z.string().max(128).default(''),
  feature: z.string().max(128).default(''),
  user: z.string().max(256).default(''),
  api_key_id: z.string().max(128).default(''),
  environment: z.string().max(64).default(''),
  extra: z.record(z.string(), z.string()).default({}),
});
export type AttemptTags = z.infer<typeof attemptTagsSchema>;

/** How reports, exports and the console name an empty tag value (a request sent without a team, project…). */
export const UNATTRIBUTED = 'unattributed';
/** A tag value as shown to people: itself, or UNATTRIBUTED when empty. */
export const groupName = (value: string) => value || UNATTRIBUTED;

/** What budget enforcement decided before this attempt; `none` when no budget applies. */
export const budgetDecisions = ['none', 'allow', 'delay', 'downgrade', 'reject'] as const;
export type BudgetDecision = (typeof budgetDecisions)[number];

export const attemptBudgetSchema = z.object({
  decision: openEnum(budgetDecisions).default('none'),
  /** Worst-case cost held in the buckets while the attempt ran, USD. */
  reserved_usd: decimalUsd.default('0'),
  /** Soft throttle: how long the attempt waited for budget, milliseconds. */
  delay_ms: z.number().nonnegative().default(0),
  /** The bucket that limited the request (`team:payments`), empty when none did. */
  limited_by: z.string().max(300).default(''),
});
export type AttemptBudget = z.infer<typeof attemptBudgetSchema>;
export const NO_BUDGET: AttemptBudget = { decision: 'none', reserved_usd: '0', delay_ms: 0, limited_by: '' };

/** A rate in USD per million tokens as a decimal string (≤ 9 decimals), never a float. */
const usdPerMtok = z.string().regex(/^\d+(\.\d{1,9})?$/, 'must be a non-negative decimal string, USD per million tokens');

/**
 * Rates per token direction, USD per million tokens; reasoning bills at `output_per_mtok`.
 * Tiered catalog prices are already resolved to the tier this attempt's prompt size fell in.
 */
export const attemptRatesSchema = z.object({
  input_per_mtok: usdPerMtok,
  cached_input_per_mtok: usdPerMtok,
  cache_write_per_mtok: usdPerMtok,
  output_per_mtok: usdPerMtok,
  /** The rate of 1-hour cache writes; present only on attempts that wrote for an hour (older readers drop it). */
  cache_write_1h_per_mtok: usdPerMtok.optional(),
});
export type AttemptRates = z.infer<typeof attemptRatesSchema>;

/**
 * Exact USD per token bucket, each `tokens × rate / 10^6` rounded half-up to 12 decimals; the five
 * buckets sum to `cost_usd`. `cache_write` holds every cache write; `cache_write_1h` is the part
 * of it written with a 1-hour TTL — a breakdown, not a sixth bucket, so an older reader that drops
 * it still sums to `cost_usd`.
 */
export const attemptCostByBucketSchema = z.object({
  input: decimalUsd,
  cached_input: decimalUsd,
  cache_write: decimalUsd,
  output: decimalUsd,
  reasoning: decimalUsd,
  cache_write_1h: decimalUsd.optional(),
});
/** The buckets that add up to `cost_usd` (breakdowns such as `cache_write_1h` excluded). */
export function summedBuckets(b: AttemptCostByBucket): string[] {
  return [b.input, b.cached_input, b.cache_write, b.output, b.reasoning];
}
export type AttemptCostByBucket = z.infer<typeof attemptCostByBucketSchema>;

/** Prompt and completion text, only for routes that opt in, and redacted before it leaves the shim. */
export const attemptContentSchema = z.object({ prompt: z.string(), completion: z.string() });

/**
 * One provider attempt, emitted when it ends. Carries prompt and completion text only when its
 * route opts in, and then redacted.
 * Unknown fields are stripped (not rejected) so an older consumer accepts newer minor additions.
 */
export const attemptEventSchema = z
  .object({
    schema_version: z.literal(ATTEMPT_SCHEMA_VERSION),
    attempt_id: uuid,
    request_id: uuid,
    attempt_no: z.number().int().min(1),
    is_final: z.boolean(),
    started_at: isoTime,
    ended_at: isoTime,
    ttft_ms: z.number().nonnegative().nullable(),
    latency_ms: z.number().nonnegative(),
    route: z.string().min(1),
    requested_model: z.string().min(1),
    provider: z.string().min(1),
    deployment: z.string().min(1),
    model: z.string().min(1),
    region: z.string(),
    is_stream: z.boolean(),
    status: openEnum(attemptStatuses),
    http_status: z.number().int().min(0).max(599).nullable(),
    error_class: z.string().nullable(),
    fallback_reason: openEnum(fallbackReasons),
    input_tokens: tokens,
    output_tokens: tokens,
    cached_input_tokens: tokens,
    reasoning_tokens: tokens,
    cost_usd: decimalUsd,
    price_version: z.string(),
    tags: attemptTagsSchema,
    // Fields added after the first release default when absent, so older events still parse.
    /** Input tokens written to the provider's prompt cache (billed at the cache-write rate). */
    cache_write_tokens: tokens.default(0),
    /** stop | length | tool_calls | content_filter, when the provider finished an answer. */
    finish_reason: z.string().max(32).nullable().default(null),
    /** What the provider said beyond the canonical answer: stop_reason, system_fingerprint, safety ratings… */
    provider_fields: z.record(z.string(), z.string()).default({}),
    /** economy | standard | premium, or empty on routes without tiers. */
    tier: z.string().max(32).default(''),
    budget: attemptBudgetSchema.default(NO_BUDGET),
    content: attemptContentSchema.nullable().default(null),
    /** true: the provider reported no usage, so the token counts (and cost) were counted by the shim with a tokenizer. Absent: reported. */
    usage_estimated: z.boolean().optional(),
    /** Rates actually applied (negotiated override, else catalog, else default price); null on events from before it. */
    pricing: attemptRatesSchema.nullable().default(null),
    /** Public catalog rates for the model; equal to `pricing` without a negotiated price or a catalog entry. */
    list_pricing: attemptRatesSchema.nullable().default(null),
    cost_by_bucket: attemptCostByBucketSchema.nullable().default(null),
    /** What the attempt would have cost at `list_pricing`, USD; null on events from before it. */
    list_cost_usd: decimalUsd.nullable().default(null),
    /** Contract check of the answer (collector/parity): ok | invalid_json | schema_violation | unknown_tool | invalid_tool_args | none; absent: not checked. */
    parity: openEnum(['ok', 'invalid_json', 'schema_violation', 'unknown_tool', 'invalid_tool_args', 'none']).optional(),
    /** Shadow traffic only: the served deployment this copy shadows and whether its answer matched in structure (docs/parity.md). */
    shadow: z
      .object({
        of: z.string().min(1).max(128),
        match: z.boolean(),
        differences: z.array(openEnum(['contract_outcome', 'finish_reason', 'tool_names', 'answer_length', 'shadow_failed'])).max(8),
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    // Finance bills per bucket, so a breakdown that does not add up to the total is refused, not stored.
    if (event.cost_by_bucket && sumUsd(summedBuckets(event.cost_by_bucket)) !== sumUsd([event.cost_usd])) {
      ctx.addIssue({
        code: 'custom',
        path: ['cost_by_bucket'],
        message: `buckets sum to ${sumUsd(summedBuckets(event.cost_by_bucket))}, not cost_usd ${event.cost_usd}`,
      });
    }
  });
export type AttemptEvent = z.infer<typeof attemptEventSchema>;

export type AttemptParseResult = { ok: true; event: AttemptEvent } | { ok: false; error: string };

/** Parses one wire message; a failure names every offending field so a poison event is diagnosable. */
export function parseAttemptEvent(raw: string | Buffer): AttemptParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const result = attemptEventSchema.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  const error = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, error };
}

export function serializeAttemptEvent(event: AttemptEvent): string {
  return JSON.stringify(event);
}
