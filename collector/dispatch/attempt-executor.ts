import type { CancelSignal } from '../../core/cancel.ts';
import type { ParityOutcome } from '../parity/parity-outcome.ts';
import type { ChatRequest, FinishReason, ProviderError, ProviderFields, Usage } from '../providers/provider.ts';
import type { Deployment } from './route-table.ts';

/** Per-attempt handle given to the wire-level work. */
export interface AttemptControl {
  signal: CancelSignal;
  /**
   * The request to send: the caller's, except that under a budget one without `max_tokens` carries
   * the budget's default (a copy: the caller's object is never changed).
   */
  request: ChatRequest;
  /** The response is now the client's: stop the time-to-first-token timeout, never fail over. */
  commit(): void;
}

/** What one successful (or committed) attempt produced. */
export interface AttemptResult<T> {
  value: T;
  usage: Usage;
  responseModel: string | null;
  ttftMs: number | null;
  /** The upstream broke after commit: the attempt is final and failed, but the client already has a response. */
  failedAfterCommit?: ProviderError;
  /** The client went away after commit (a stream cut off by its reader): recorded `cancelled`, billed what it got. */
  clientLeft?: boolean;
  finishReason?: FinishReason;
  providerFields?: ProviderFields;
  /** The answer's text, kept only when the route stores content. */
  completionText?: string;
  /** The provider reported no usage: `usage` was counted by the shim. */
  usageEstimated?: boolean;
  /** The answer's contract check (collector/parity). */
  parity?: ParityOutcome;
}

/** The wire-level work of one attempt on one deployment (chat, stream or embeddings); rejects with a ProviderError on failure. */
export type AttemptExecutor<T> = (deployment: Deployment, control: AttemptControl) => Promise<AttemptResult<T>>;
