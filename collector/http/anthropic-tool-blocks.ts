import type { ToolCallDelta } from '../providers/provider.ts';

/** What the tool blocks need from the Anthropic stream they write into. */
export interface BlockWriter {
  /** Closes the open block (if any) and opens a tool_use block for call `index`. */
  start(index: number, contentBlock: unknown): void;
  /** An `input_json_delta` into the open block. */
  arguments(partialJson: string): void;
  /** Whether call `index`'s block is the open one. */
  isOpen(index: number): boolean;
}

const completeJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Streamed tool calls as Anthropic `tool_use` blocks, which cannot interleave: the call whose
 * block is open streams live, and a call that starts while the open one's arguments are not yet
 * complete JSON (a host streaming parallel calls interleaved) is held whole and sent at the end,
 * in index order. Calls streamed one after the other (OpenAI, Gemini) all stream live.
 */
export class AnthropicToolBlocks {
  private live: number | null = null;
  private liveArguments = '';
  private readonly held = new Map<number, { id: string; name: string; arguments: string }>();

  constructor(
    private readonly writer: BlockWriter,
    private readonly toolId: (id: string) => string,
  ) {}

  piece(call: ToolCallDelta): void {
    const args = call.function.arguments ?? '';
    const held = this.held.get(call.index);
    if (held) {
      held.arguments += args;
      return;
    }
    if (call.index === this.live && this.writer.isOpen(call.index)) {
      this.liveArguments += args;
      if (args) this.writer.arguments(args);
      return;
    }
    if (this.live !== null && this.writer.isOpen(this.live) && !completeJson(this.liveArguments)) {
      this.held.set(call.index, { id: call.id ?? '', name: call.function.name ?? '', arguments: args });
      return;
    }
    this.live = call.index;
    this.liveArguments = args;
    this.writer.start(call.index, { type: 'tool_use', id: this.toolId(call.id ?? ''), name: call.function.name ?? '', input: {} });
    if (args) this.writer.arguments(args);
  }

  /** Sends the held calls, each as one whole block. */
  flush(): void {
    for (const [index, call] of [...this.held].sort(([a], [b]) => a - b)) {
      this.writer.start(index, { type: 'tool_use', id: this.toolId(call.id), name: call.name, input: {} });
      this.writer.arguments(call.arguments || '{}');
    }
    this.held.clear();
  }
}
