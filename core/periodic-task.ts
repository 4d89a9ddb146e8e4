/**
 * Runs `task` at once and then `intervalMs` after each run finishes, so runs never overlap.
 * `stop` cancels the next run and waits for the one in flight. The task handles its own errors.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.inFlight = this.task().finally(() => {
        this.inFlight = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
