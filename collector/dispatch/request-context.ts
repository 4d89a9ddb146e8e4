import type { CancelSignal } from '../../core/cancel.ts';
import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { RequestTiming } from './request-timing.ts';

/** What the dispatcher knows about a request besides its body. */
export interface RequestContext {
  requestId: string;
  tags: AttemptTags;
  /** Aborts when the client goes away. */
  signal: CancelSignal;
  /** Turns of one conversation stick to the deployment that served it (x-switchyard-conversation-id). */
  conversationId?: string;
  /** The key's data-residency allow-list: only deployments in these regions may serve. */
  allowedRegions?: readonly string[];
  /** `x-switchyard-tier` / `x-switchyard-difficulty`, for routes with tiers. */
  tierHint?: { tier?: string; difficulty?: string };
  /** Set when the answer came from the degradation cache because every provider failed. */
  degraded?: boolean;
  /** Filled in by the dispatcher when given: where the request's time went. */
  timing?: RequestTiming;
}
