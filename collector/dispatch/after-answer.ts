/**
 * Bookkeeping every attempt needs but its client does not wait for: building the attempt event,
 * handing it to the transport and telling metrics (~50–80 µs of the event loop per attempt at
 * 1,000 req/s, bench/profiles/collector-hot-path.md). Deferred jobs run in order on the loop's
 * check phase (`setImmediate`), after the I/O callbacks of the same turn: when answers arrive
 * together, all of them are written before any of their events is built. Budgets are not
 * deferred: a reservation is settled before the answer, so the next request sees the spend.
 *
 * A job that throws is logged and the rest still run; it never reaches the request it came from,
 * whose answer is already out.
 */
export class AfterAnswer {
  private jobs: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly log: (message: string) => void = () => {}) {}

  /** Queues `job` to run after the current I/O phase, after every job queued before it. */
  defer(job: () => void): void {
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  /** Runs every queued job now (shutdown: before the publisher's last flush). */
  flush(): void {
    this.run();
  }

  /** Jobs queued and not yet run. */
  get pending(): number {
    return this.jobs.length;
  }

  // A bound property, not a closure per schedule.
  private readonly run = (): void => {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      try {
        job();
      } catch (err) {
        this.log(`collector: recording an attempt after its answer failed: ${(err as Error).message}`);
      }
    }
  };
}
