import type { AttemptEvent } from '../events/attempt-event.ts';

/**
 * Producer side of the attempt stream. `publish` never blocks or throws: events are buffered
 * and sent in the background, so emission can never fail or slow a user request.
 */
export interface AttemptPublisher {
  publish(event: AttemptEvent): void;
  /** Resolves once every event published so far has been acknowledged by the transport. */
  flush(): Promise<void>;
  /** Flushes, then releases the connection. */
  close(): Promise<void>;
  /** Events the transport gave up on (buffer overflow); the goal is zero. */
  readonly dropped: number;
}

/** One message as it came off the transport, before validation. */
export interface RawAttemptMessage {
  key: string | null;
  value: string;
  partition: number;
  /** Transport offset as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
}

/**
 * Handles one batch. Resolving means every message in it is durably handled (stored or
 * dead-lettered); only then does the transport commit. Rejecting makes the transport
 * redeliver the same batch.
 */
export type AttemptBatchHandler = (messages: RawAttemptMessage[]) => Promise<void>;

export interface AttemptSubscriber {
  start(handler: AttemptBatchHandler): Promise<void>;
  /** Stops intake; resolves after the batch in flight has been handled and committed. */
  stop(): Promise<void>;
}

/** A message ingest could not store, and why. */
export interface DeadLetter {
  message: RawAttemptMessage;
  error: string;
  /** `validation`: not a valid attempt event; `insert`: ClickHouse refused the row. */
  stage: 'validation' | 'insert';
}

/** Where rejected messages are parked for inspection and replay (the Kafka DLQ topic). */
export interface DeadLetterSink {
  /** Resolves once the dead letters are durably stored; only then may their offsets be committed. */
  send(letters: DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

/** How far ingest's committed position trails the newest message of a partition. */
export interface PartitionLag {
  partition: number;
  /** Next offset the group will read (committed), decimal string; '-1' when nothing is committed yet. */
  committed: string;
  /** Offset the next produced message will get, decimal string. */
  high: string;
  /** Messages not yet committed. */
  lag: number;
}

/** Optional on subscribers: reports consumer lag per partition. */
export interface LagProbe {
  lag(): Promise<PartitionLag[]>;
}
