import type { ChatCompletion, ChatCompletionChunk } from '../providers/provider.ts';
import type { AnswerShape } from './check-answer.ts';

/** The first choice of a non-streamed answer, reduced to what contracts speak about. */
export function shapeOfCompletion(completion: ChatCompletion): AnswerShape {
  const choice = completion.choices[0];
  return {
    content: choice?.message.content ?? '',
    toolCalls: (choice?.message.tool_calls ?? []).map((c) => ({ name: c.function.name, arguments: c.function.arguments })),
    finishReason: choice?.finish_reason ?? null,
  };
}

/** Assembles a streamed answer's first choice from its chunks: text pieces and tool calls by index. */
export class StreamAnswer {
  private content = '';
  private readonly calls = new Map<number, { name: string; arguments: string }>();
  private finishReason: string | null = null;

  add(chunk: ChatCompletionChunk): void {
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      this.content += choice.delta.content ?? '';
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = this.calls.get(delta.index) ?? { name: '', arguments: '' };
        call.name ||= delta.function.name ?? '';
        call.arguments += delta.function.arguments ?? '';
        this.calls.set(delta.index, call);
      }
      this.finishReason = choice.finish_reason ?? this.finishReason;
    }
  }

  shape(): AnswerShape {
    return { content: this.content, toolCalls: [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c), finishReason: this.finishReason };
  }
}
