import type { ChunkSink, StreamOutcome } from '../dispatch/stream-attempt.ts';
import type { RequestContext } from '../dispatch/request-context.ts';
import type { Deployment } from '../dispatch/route-table.ts';
import type { ChatCompletion, ChatRequest } from '../providers/provider.ts';
import { shapeOfCompletion } from './answer-shape.ts';
import { checkAnswer, type AnswerShape } from './check-answer.ts';
import { HeldStream } from './held-stream.ts';
import type { ParityRouteConfig } from './parity-config.ts';
import { isParityFailure, type ParityOutcome } from './parity-outcome.ts';
import { ParityViolation } from './parity-violation.ts';
import { contractOf, type AnswerContract } from './request-contract.ts';
import type { SchemaValidators } from './schema-validators.ts';
import type { ShadowMirror } from './shadow-mirror.ts';

/**
 * Parity for one request: checks each attempt's answer against the request's contract, fails
 * the attempt over when the route says so, and after the request was served hands the served
 * answer to the shadow mirror.
 */
export class RequestParity {
  readonly contract: AnswerContract | null;
  /** Every answer judged, newest last; with hedging two may be, and only the winner was served. */
  private readonly judged: Array<{ deployment: Deployment; shape: AnswerShape; outcome: ParityOutcome; completion: ChatCompletion | null }> = [];

  constructor(
    private readonly request: ChatRequest,
    private readonly ctx: RequestContext,
    private readonly route: string,
    private readonly config: ParityRouteConfig | undefined,
    private readonly validators: SchemaValidators,
    private readonly shadow: ShadowMirror | null,
    private readonly alternate: (name: string) => Deployment | undefined,
  ) {
    this.contract = contractOf(request);
  }

  private get failover(): boolean {
    return this.config?.failover === true && this.contract !== null;
  }

  /** The outcome of a non-streamed answer; throws ParityViolation when the route fails over on it. */
  completion(deployment: Deployment, completion: ChatCompletion): ParityOutcome {
    return this.judge(deployment, shapeOfCompletion(completion), completion);
  }

  /** The sink one streamed attempt writes to: holding frames back when the route fails over on parity. */
  streamSink(sink: ChunkSink): HeldStream {
    return new HeldStream(sink, this.failover);
  }

  /**
   * After a streamed attempt: its outcome. When frames were held, a good answer is released to
   * the client; a broken contract or an upstream that broke mid-stream is thrown instead, so the
   * dispatcher fails over with nothing sent.
   */
  streamEnded(deployment: Deployment, held: HeldStream, outcome: StreamOutcome): ParityOutcome {
    if (held.hold && outcome.failedAfterCommit) throw outcome.failedAfterCommit;
    const verdict = this.judge(deployment, held.answer.shape());
    held.release();
    return verdict;
  }

  /** The request was answered (non-streamed: with `completion`, which picks the hedge winner): mirror it to the shadow deployment if sampled. */
  answered(completion?: ChatCompletion): void {
    const served = (completion && this.judged.find((j) => j.completion === completion)) || this.judged.at(-1);
    if (!served || !this.shadow || !this.config?.shadow) return;
    const { deployment, shape, outcome } = served;
    this.shadow.maybeMirror(
      this.config,
      this.request,
      this.ctx,
      this.contract,
      { route: this.route, deployment, answer: { shape, outcome } },
      this.alternate(this.config.shadow.alternate),
    );
  }

  private judge(deployment: Deployment, shape: AnswerShape, completion: ChatCompletion | null = null): ParityOutcome {
    const verdict = checkAnswer(this.contract, shape, this.validators);
    if (this.failover && isParityFailure(verdict.outcome)) throw new ParityViolation(verdict.outcome, verdict.detail);
    this.judged.push({ deployment, shape, outcome: verdict.outcome, completion });
    return verdict.outcome;
  }
}
