import type { AnswerShape } from './check-answer.ts';
import type { ParityOutcome } from './parity-outcome.ts';

/** One side of a shadow comparison: the answer's shape and its contract outcome. */
export interface ComparedAnswer {
  shape: AnswerShape;
  outcome: ParityOutcome;
}

/** Lengths within this factor of each other count as the same answer length. */
export const LENGTH_TOLERANCE = 2;

/**
 * How a shadow answer differs in structure from the served one: contract outcome, finish
 * reason, the multiset of tool names, and answer length (characters of text plus tool
 * arguments, equal within a factor of LENGTH_TOLERANCE). Empty: they match. Never compares
 * the text itself — two good answers rarely share wording.
 */
export function structuralDifferences(served: ComparedAnswer, shadow: ComparedAnswer): string[] {
  const differences: string[] = [];
  if (served.outcome !== shadow.outcome) differences.push('contract_outcome');
  if ((served.shape.finishReason ?? '') !== (shadow.shape.finishReason ?? '')) differences.push('finish_reason');
  if (toolNames(served.shape) !== toolNames(shadow.shape)) differences.push('tool_names');
  const a = answerLength(served.shape);
  const b = answerLength(shadow.shape);
  if (Math.max(a, b) > LENGTH_TOLERANCE * Math.max(1, Math.min(a, b))) differences.push('answer_length');
  return differences;
}

const toolNames = (shape: AnswerShape) =>
  shape.toolCalls
    .map((c) => c.name)
    .sort()
    .join('\n');
const answerLength = (shape: AnswerShape) => shape.content.length + shape.toolCalls.reduce((n, c) => n + c.arguments.length, 0);
