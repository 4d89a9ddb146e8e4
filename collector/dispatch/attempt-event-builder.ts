import {
  ATTEMPT_SCHEMA_VERSION,
  NO_BUDGET,
  type AttemptBudget,
  type AttemptEvent,
  type AttemptStatus,
  type FallbackReason,
} from '../../core/events/attempt-event.ts';
import { uuidV7 } from '../../core/ids/uuid-v7.ts';
import { priceAttempt } from '../pricing/attempt-pricing.ts';
import type { ParityOutcome } from '../parity/parity-outcome.ts';
import { PARITY_FALLBACK_REASON, ParityViolation } from '../parity/parity-violation.ts';
import type { FinishReason, ProviderError, ProviderFields, Usage } from '../providers/provider.ts';
import type { RequestContext } from './request-context.ts';
import type { Deployment } from './route-table.ts';

export const ZERO_USAGE: Usage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export interface AttemptFacts {
  context: RequestContext;
  route: string;
  requestedModel: string;
  deployment: Deployment;
  attemptNo: number;
  isFinal: boolean;
  isStream: boolean;
  startedAtMs: number;
  endedAtMs: number;
  ttftMs: number | null;
  /** The model the provider says served the request, when it answered. */
  responseModel: string | null;
  usage: Usage;
  fallbackReason: FallbackReason;
  /** How the attempt failed: the provider's error, or why it ended without one; null when it succeeded. */
  failure: ProviderError | AttemptRefusal | null;
  finishReason?: FinishReason;
  providerFields?: ProviderFields;
  tier?: string;
  budget?: AttemptBudget;
  /** The provider reported no usage: `usage` was counted by the shim. */
  usageEstimated?: boolean;
  /** Redacted prompt and completion, for routes that opt in to storing them. */
  content?: { prompt: string; completion: string } | null;
  /** The answer's contract check (collector/parity); a ParityViolation failure carries its own. */
  parity?: ParityOutcome;
}

/**
 * Attempts that ended without a provider error: the client went away, a hedge lost the race,
 * every circuit was open, or the budget refused the request (the last two make no call).
 */
export type AttemptRefusal = 'cancelled' | 'hedge_lost' | 'circuit_open' | 'budget_exhausted' | 'rate_limit_cooldown' | 'internal_error';

/** Turns what happened in one attempt into its event; pure apart from the fresh attempt id. */
export function buildAttemptEvent(f: AttemptFacts): AttemptEvent {
  const d = f.deployment.config;
  const { cost_usd, ...money } = priceAttempt(f.usage, f.deployment.price);
  return {
    schema_version: ATTEMPT_SCHEMA_VERSION,
    attempt_id: uuidV7(f.startedAtMs),
    request_id: f.context.requestId,
    attempt_no: f.attemptNo,
    is_final: f.isFinal,
    started_at: new Date(f.startedAtMs).toISOString(),
    ended_at: new Date(f.endedAtMs).toISOString(),
    ttft_ms: f.ttftMs,
    latency_ms: Math.max(0, f.endedAtMs - f.startedAtMs),
    route: f.route,
    requested_model: f.requestedModel,
    provider: d.provider,
    deployment: d.name,
    model: f.responseModel ?? d.model,
    region: d.region,
    is_stream: f.isStream,
    status: statusOf(f.failure),
    http_status: f.failure === null ? 200 : typeof f.failure === 'string' ? null : f.failure.httpStatus,
    error_class: f.failure === null ? null : typeof f.failure === 'string' ? f.failure : f.failure.kind,
    fallback_reason: f.fallbackReason,
    input_tokens: f.usage.inputTokens,
    output_tokens: f.usage.outputTokens,
    cached_input_tokens: f.usage.cachedInputTokens,
    reasoning_tokens: f.usage.reasoningTokens,
    cost_usd,
    price_version: f.deployment.price.version,
    tags: f.context.tags,
    cache_write_tokens: f.usage.cacheWriteTokens,
    finish_reason: f.finishReason ?? null,
    provider_fields: f.providerFields ?? {},
    tier: f.tier ?? '',
    budget: f.budget ?? NO_BUDGET,
    content: f.content ?? null,
    ...(f.usageEstimated ? { usage_estimated: true } : {}),
    ...parityField(f),
    ...money,
  };
}

function parityField(f: AttemptFacts): { parity?: ParityOutcome } {
  const parity = f.parity ?? (f.failure instanceof ParityViolation ? f.failure.outcome : undefined);
  return parity ? { parity } : {};
}

function statusOf(failure: AttemptFacts['failure']): AttemptStatus {
  if (failure === null) return 'ok';
  if (failure === 'cancelled' || failure === 'hedge_lost') return 'cancelled';
  if (failure === 'circuit_open' || failure === 'budget_exhausted' || failure === 'rate_limit_cooldown') return 'rejected';
  if (failure === 'internal_error') return 'error';
  if (failure.kind === 'rate_limited') return 'rate_limited';
  if (failure.kind === 'timeout') return 'timeout';
  return 'error';
}

/** Why the next attempt exists, given how this one failed. */
export function fallbackReasonFor(failure: ProviderError): FallbackReason {
  if (failure instanceof ParityViolation) return PARITY_FALLBACK_REASON as FallbackReason;
  switch (failure.kind) {
    case 'rate_limited':
      return 'rate_limited';
    case 'timeout':
      return 'timeout';
    case 'network':
      return 'network_error';
    case 'invalid_response':
    case 'context_length':
    case 'unsupported_parameter':
    case 'content_filter':
      return failure.kind;
    default:
      // server and overloaded: the event contract keeps one reason for provider-side failures.
      return 'server_error';
  }
}
