/**
 * Where a request's time went, so the shim can report its own overhead: wall time minus the
 * upstream attempts and the deliberate backoff waits between them. Attempts are sequential, so
 * their union is their sum. Milliseconds from performance.now().
 */
export class RequestTiming {
  readonly startedAt: number;
  private upstreamMs = 0;
  private backoffMs = 0;
  private attemptStartedAt: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
  }

  attemptStarted(): void {
    this.attemptStartedAt = this.now();
  }

  attemptEnded(): void {
    if (this.attemptStartedAt !== null) this.upstreamMs += this.now() - this.attemptStartedAt;
    this.attemptStartedAt = null;
  }

  backedOff(ms: number): void {
    this.backoffMs += ms;
  }

  /** The shim's own time so far; an attempt in progress counts as upstream time. */
  overheadMs(): number {
    const now = this.now();
    const inFlight = this.attemptStartedAt === null ? 0 : now - this.attemptStartedAt;
    return Math.max(0, now - this.startedAt - this.upstreamMs - inFlight - this.backoffMs);
  }
}
