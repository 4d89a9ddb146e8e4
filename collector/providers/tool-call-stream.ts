import type { ToolCallDelta } from './provider.ts';

/**
 * Watches the tool-call pieces of a stream so every call a client assembles has JSON arguments.
 * A call of a tool without parameters may stream no argument text at all (Anthropic sends one
 * `input_json_delta` with `partial_json: ""`; some OpenAI-compatible hosts send only the name),
 * which an OpenAI client assembles into `""` — not JSON, while the same answer without streaming
 * says `"{}"`. At the end of such a call the stream gets the missing `"{}"`.
 */
export class ToolCallStream {
  /** Per choice: tool-call index → argument characters seen. */
  private readonly seen = new Map<number, Map<number, number>>();

  /** Records a streamed piece; returns it unchanged for chaining. */
  note(delta: ToolCallDelta, choice = 0): ToolCallDelta {
    const calls = this.seen.get(choice) ?? new Map<number, number>();
    this.seen.set(choice, calls);
    calls.set(delta.index, (calls.get(delta.index) ?? 0) + (delta.function.arguments?.length ?? 0));
    return delta;
  }

  /** Closes one call (Anthropic's content_block_stop): `"{}"` if it streamed no arguments. */
  close(index: number, choice = 0): ToolCallDelta | null {
    const calls = this.seen.get(choice);
    if (!calls?.has(index) || calls.get(index)! > 0) return null;
    calls.set(index, 2);
    return { index, function: { arguments: '{}' } };
  }

  /**
   * Closes the calls of a choice before `index` (a new call starting: OpenAI streams calls one
   * after another), or all of them when the choice finished, in index order.
   */
  closeBefore(index: number, choice = 0): ToolCallDelta[] {
    const calls = [...(this.seen.get(choice)?.keys() ?? [])].filter((i) => i < index).sort((a, b) => a - b);
    return calls.map((i) => this.close(i, choice)).filter((d): d is ToolCallDelta => d !== null);
  }

  closeAll(choice = 0): ToolCallDelta[] {
    return this.closeBefore(Number.POSITIVE_INFINITY, choice);
  }
}

/** A complete call's arguments as JSON text: an empty string (no parameters) becomes `{}`. */
export function argumentsJson(text: string | null | undefined): string {
  return text && text.trim() !== '' ? text : '{}';
}
