/**
 * What a contract check found in one answer. `none`: the request carried no contract (no JSON
 * mode, no JSON schema, no tool with a parameter schema), so there was nothing to check.
 * The order is the order of precedence when an answer breaks its contract in several ways.
 */
export const parityOutcomes = ['ok', 'invalid_json', 'schema_violation', 'unknown_tool', 'invalid_tool_args', 'none'] as const;
export type ParityOutcome = (typeof parityOutcomes)[number];

/** A check result: the outcome and, when it failed, a short reason naming the path or the tool (never the answer's text). */
export interface ParityVerdict {
  outcome: ParityOutcome;
  detail: string;
}

export const PARITY_OK: ParityVerdict = { outcome: 'ok', detail: '' };
export const NO_CONTRACT: ParityVerdict = { outcome: 'none', detail: '' };

/** True for outcomes that broke the contract (not `ok`, not `none`). */
export function isParityFailure(outcome: ParityOutcome): boolean {
  return outcome !== 'ok' && outcome !== 'none';
}
