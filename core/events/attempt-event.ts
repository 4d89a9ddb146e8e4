import { z } from 'zod';

/** Kafka topic carrying attempt events; the version suffix changes only with a breaking schema change. */
export const ATTEMPT_TOPIC = 'llm.attempts.v1';
export const ATTEMPT_SCHEMA_VERSION = 1;

export const attemptStatuses = ['ok', 'error', 'timeout', 'rate_limited', 'cancelled', 'rejected'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/** Why an attempt exists: the first try, or the failure of the previous attempt that caused it. */
export const fallbackReasons = ['none', 'rate_limited', 'server_error', 'timeout', 'network_error'] as const;
export type FallbackReason = (typeof fallbackReasons)[number];

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

/**
 * One provider attempt, emitted when it ends. Never carries prompt or completion text.
 * Unknown fields are stripped (not rejected) so an older consumer accepts newer minor additions.
 */
export const attemptEventSchema = z.object({
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
  status: z.enum(attemptStatuses),
  http_status: z.number().int().min(0).max(599).nullable(),
  error_class: z.string().nullable(),
  fallback_reason: z.enum(fallbackReasons),
  input_tokens: tokens,
  output_tokens: tokens,
  cached_input_tokens: tokens,
  reasoning_tokens: tokens,
  cost_usd: decimalUsd,
  price_version: z.string(),
  tags: attemptTagsSchema,
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
