import type { AttemptTags } from '../../core/events/attempt-event.ts';

/** What the dispatcher knows about a request besides its body. */
export interface RequestContext {
  requestId: string;
  tags: AttemptTags;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}
