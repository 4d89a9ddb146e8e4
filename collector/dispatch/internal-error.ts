/**
 * A failure that is neither the provider's nor the client's: a bug in the shim (a TypeError in a
 * translation, a broken invariant). It is never retried, never counted against a provider's
 * health, and reaches the client as a 500 while its stack goes to the log.
 */
export class InternalError extends Error {
  override readonly name = 'InternalError';
  constructor(readonly original: unknown) {
    super(original instanceof Error ? `${original.name}: ${original.message}` : String(original));
    if (original instanceof Error && original.stack) this.stack = original.stack;
  }
}
