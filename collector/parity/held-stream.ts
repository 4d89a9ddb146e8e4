import type { ChunkSink, StreamStart } from '../dispatch/stream-attempt.ts';
import type { ChatCompletionChunk, Usage } from '../providers/provider.ts';
import { StreamAnswer } from './answer-shape.ts';

type Held =
  { kind: 'open'; start: StreamStart } | { kind: 'chunk'; chunk: ChatCompletionChunk } | { kind: 'done'; final: { usage: Usage; estimated: boolean } };

/**
 * A sink in front of the client's for one streamed attempt. It always assembles the answer for
 * the contract check; when `hold` is set it also keeps every frame back until `release`, so an
 * answer that breaks its contract (or an upstream that breaks mid-stream) can still fail over
 * with nothing sent. Without `hold` frames pass straight through.
 */
export class HeldStream implements ChunkSink {
  readonly answer = new StreamAnswer();
  private readonly held: Held[] = [];
  /** The upstream broke after the attempt committed (only matters while holding). */
  failed = false;

  constructor(
    private readonly target: ChunkSink,
    readonly hold: boolean,
  ) {}

  open(start: StreamStart): void {
    if (this.hold) this.held.push({ kind: 'open', start });
    else this.target.open(start);
  }

  chunk(chunk: ChatCompletionChunk): void {
    this.answer.add(chunk);
    if (this.hold) this.held.push({ kind: 'chunk', chunk });
    else this.target.chunk(chunk);
  }

  fail(message: string): void {
    this.failed = true;
    if (!this.hold) this.target.fail(message);
  }

  done(final: { usage: Usage; estimated: boolean }): void {
    if (this.hold) this.held.push({ kind: 'done', final });
    else this.target.done(final);
  }

  /** Sends what was held to the client, in order; once. */
  release(): void {
    for (const h of this.held.splice(0)) {
      if (h.kind === 'open') this.target.open(h.start);
      else if (h.kind === 'chunk') this.target.chunk(h.chunk);
      else this.target.done(h.final);
    }
  }
}
