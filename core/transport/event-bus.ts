import type { AttemptEvent } from '../events/attempt-event.ts';
import type { SpoolDepth } from './disk-spool.ts';

/**
 * Producer side of the attempt stream. `publish` never blocks or throws: events are buffered
 * and sent in the background, so emission can never fail or slow a user request. An accepted
 * event is delivered or on disk; when not even the disk can take more, `emission()` says so and
 * the collector turns new requests away instead of losing events.
 */
export interface AttemptPublisher {
  publish(event: AttemptEvent): void;
  /** Resolves once every event published so far has been acknowledged by the transport. */
  flush(): Promise<void>;
  /** Flushes, then releases the connection. */
  close(): Promise<void>;
  /** Events the transport gave up on; the goal is zero. */
  readonly dropped: number;
  /** Counters and depth for /metrics and the request gate; optional for test doubles. */
  emission?(): EmissionStats;
}

/** Why the collector should refuse new requests: the event buffer cannot take more. */
export interface EmissionRefusal {
  /** `event_spool_full`: the disk spool is at its bound or unwritable; `event_buffer_full`: memory is, and there is no spool. */
  code: 'event_spool_full' | 'event_buffer_full';
  message: string;
}

/** What a publisher has done since this process started, and what waits. */
export interface EmissionStats {
  transport: 'kafka' | 'in-process';
  /** Events accepted by `publish`. */
  published: number;
  /** Events the transport acknowledged (broker acks=all, or ingest stored them), spool replays of earlier processes included. */
  delivered: number;
  /** Events written to the disk spool. */
  spooled: number;
  /** Events given up on; the goal is zero. */
  dropped: number;
  /** Events in memory, the batch in flight included. */
  inMemory: number;
  /** The disk spool; null when none is configured. */
  spool: SpoolDepth | null;
  refusal: EmissionRefusal | null;
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
