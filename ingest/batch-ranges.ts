import type { RawAttemptMessage } from '../core/transport/event-bus.ts';

/** An inclusive offset range already written by an earlier run, whose commit never happened. */
export interface StoredRange {
  first: bigint;
  last: bigint;
}

/**
 * Cuts one partition's messages (ascending offsets) into insert batches. Messages inside a range
 * an earlier run already stored are cut exactly as before, so their retried inserts carry the same
 * deduplication token; the rest is cut every `maxRows`. Pure: same input, same cut.
 */
export function cutBatches(messages: readonly RawAttemptMessage[], stored: readonly StoredRange[], maxRows: number): RawAttemptMessage[][] {
  const batches: RawAttemptMessage[][] = [];
  let current: RawAttemptMessage[] = [];
  let currentRange: StoredRange | null = null;
  const close = () => {
    if (current.length > 0) batches.push(current);
    current = [];
    currentRange = null;
  };
  for (const message of messages) {
    const offset = BigInt(message.offset);
    const range = stored.find((r) => offset >= r.first && offset <= r.last) ?? null;
    if (range !== currentRange || (range === null && current.length >= maxRows)) close();
    currentRange = range;
    current.push(message);
  }
  close();
  return batches;
}
