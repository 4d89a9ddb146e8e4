import type { AttemptBatchHandler, AttemptSubscriber, RawAttemptMessage } from './event-bus.ts';
import { describeErrorSafely } from './safe-error.ts';

/**
 * The messages between `switchyard all` (the collector, parent) and its storage process (ingest,
 * policy, API and chDB, child) over Node's IPC channel. One batch is in flight at a time, so
 * batches arrive in publish order; `ack` is sent only after ingest stored (or dead-lettered)
 * every message of the batch, which is when the parent may forget it.
 */
export type ParentToChild =
  | { t: 'batch'; id: number; messages: RawAttemptMessage[] }
  /** Stop intake, finish the batch in flight, stop ingest, policy and API, then exit. */
  | { t: 'stop' };

export type ChildToParent =
  /** Storage is migrated and the API listens at `apiUrl`. */
  | { t: 'ready'; apiUrl: string | null }
  | { t: 'ack'; id: number }
  /** Ingest could not store the batch (ClickHouse refused); the parent keeps it and retries. */
  | { t: 'nack'; id: number; error: string }
  /** Shut down cleanly; `stored` attempts were stored by this child. */
  | { t: 'stopped'; stored: number };

/** The IPC side of a child process (`process` in the child): narrowed so tests can pass a double. */
export interface IpcChannel {
  send?(message: ChildToParent): boolean;
  on(event: 'message', listener: (message: ParentToChild) => void): unknown;
  off(event: 'message', listener: (message: ParentToChild) => void): unknown;
}

/**
 * The child's end of the embedded transport: batches from the parent go to ingest one after
 * another; each is acknowledged after ingest's handler resolved, refused (nack) when it rejected.
 * Batches that arrive before `start` wait for it; after `stop` they are refused, so the parent
 * keeps them for the next child.
 */
export function ipcAttemptSubscriber(channel: IpcChannel, log: (message: string) => void): AttemptSubscriber {
  let handler: AttemptBatchHandler | null = null;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const waiting: Array<{ id: number; messages: RawAttemptMessage[] }> = [];
  const reply = (m: ChildToParent) => void channel.send?.(m);
  const handle = (batch: { id: number; messages: RawAttemptMessage[] }) => {
    chain = chain.then(async () => {
      if (stopped || !handler) return reply({ t: 'nack', id: batch.id, error: 'storage process stopping' });
      try {
        await handler(batch.messages);
        reply({ t: 'ack', id: batch.id });
      } catch (err) {
        const error = describeErrorSafely(err);
        log(`ingest: batch of ${batch.messages.length} events from the collector not stored (${error}); the collector keeps it and retries`);
        reply({ t: 'nack', id: batch.id, error });
      }
    });
  };
  const onMessage = (m: ParentToChild) => {
    if (m.t !== 'batch') return;
    if (handler) handle(m);
    else waiting.push(m);
  };
  channel.on('message', onMessage);
  return {
    start: async (h) => {
      handler = h;
      for (const b of waiting.splice(0)) handle(b);
    },
    stop: async () => {
      stopped = true;
      channel.off('message', onMessage);
      await chain;
      handler = null;
    },
  };
}
