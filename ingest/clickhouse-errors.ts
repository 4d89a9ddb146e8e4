/**
 * Whether ClickHouse refused an insert because of what was in it (so bisecting finds the row), as
 * opposed to being unavailable, overloaded or misconfigured (so the same batch is retried later).
 */
export function isDataError(err: unknown): boolean {
  const type = (err as { type?: unknown })?.type;
  if (typeof type !== 'string') return false;
  return /^(CANNOT_PARSE|CANNOT_READ|CANNOT_CONVERT|INCORRECT_DATA|VALUE_IS_OUT_OF_RANGE|TYPE_MISMATCH|TOO_LARGE_STRING_SIZE|ILLEGAL_|UNKNOWN_FIELD|INCORRECT_NUMBER_OF_COLUMNS|CANNOT_INSERT_NULL|DECIMAL_OVERFLOW|ARGUMENT_OUT_OF_BOUND)/.test(
    type,
  );
}
