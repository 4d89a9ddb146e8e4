/** What a racer is stopped with: its attempt's AbortController or CancelController. */
type Canceller = { abort(reason?: unknown): void };

/** The attempt lost a hedge race: its twin committed an answer first. */
export class HedgeLostError extends Error {
  override readonly name = 'HedgeLostError';
  constructor() {
    super('a hedged attempt answered first');
  }
}

/**
 * Two attempts of one request racing to commit. The first to commit (first content of a stream,
 * or a whole answer) wins and aborts the other, which is then recorded as `cancelled`.
 */
export class HedgeRace {
  private winner: number | null = null;
  private readonly controllers = new Map<number, Canceller>();

  join(id: number, controller: Canceller): void {
    this.controllers.set(id, controller);
    if (this.winner !== null && this.winner !== id) controller.abort(new HedgeLostError());
  }

  /** True when `id` holds (or just took) the win. */
  claim(id: number): boolean {
    if (this.winner === null) {
      this.winner = id;
      for (const [other, controller] of this.controllers) if (other !== id) controller.abort(new HedgeLostError());
    }
    return this.winner === id;
  }

  lost(id: number): boolean {
    return this.winner !== null && this.winner !== id;
  }

  get decided(): boolean {
    return this.winner !== null;
  }
}
