import { InvalidArgumentError, type Command } from 'commander';

/**
 * What every command shares: the exit code its action settles on (0 unless it sets one) and the
 * stderr logger. Usage errors never reach an action; `main` maps them to exit 2.
 */
export interface CliContext {
  /** 0 = done; 1 = the command ran and its check failed (reconcile mismatch, drill criterion unmet). */
  exitCode: number;
  /** One timestamped line on stderr; stdout stays for the command's answer. */
  log: (message: string) => void;
}

/**
 * A command module: adds one command (with its options, help and action) to the program.
 * Register it with one line in `cli/commands/index.ts`.
 */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Option parser for integers ≥ `min`; the message names the rule, commander adds the flag and value. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(min === 1 ? 'Expected a positive integer.' : `Expected an integer ≥ ${min}.`);
    }
    return n;
  };
}

/** Option parser for a TCP port, 0 (any free port) to 65535. */
export function portNumber(value: string): number {
  const n = integerAtLeast(0)(value);
  if (n > 65535) throw new InvalidArgumentError('Expected a port from 0 to 65535.');
  return n;
}

/** Option parser for a UTC calendar day, `YYYY-MM-DD`, that exists. */
export function utcDay(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError('Expected a UTC day as YYYY-MM-DD.');
  }
  return value;
}
