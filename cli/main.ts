import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/errors.ts';
import type { CliContext } from './cli-kit.ts';
import * as commands from './commands/index.ts';
import { DataDirBusyError, isClickHouseLockError } from './data-dir-lock.ts';

/** Exit statuses: 0 done, 1 the command's own check failed, 2 usage/configuration (nothing ran). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

/**
 * The `switchyard` program: every command from `cli/commands/index.ts`, lower-case help titles
 * (`usage: switchyard …`), errors as one `switchyard: …` line plus usage, never a stack.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('switchyard')
    .description('LLM routing shim and FinOps pipeline: collector, ingest, policy, api')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also: switchyard <command> --help)')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({ styleTitle: (title) => title.toLowerCase() })
    .configureOutput({ outputError: (text, write) => write(rewriteError(text)) })
    .showHelpAfterError(true)
    .exitOverride();
  program.addHelpText(
    'after',
    '\nWith no command: this help. `npm start` runs `switchyard all`. Exit status: 0 ok, 1 check failed, 2 usage or configuration error.',
  );
  for (const register of Object.values(commands)) register(program, ctx);
  for (const command of program.commands) {
    command.showHelpAfterError(`usage: switchyard ${command.name()} ${command.usage()}\n(switchyard ${command.name()} --help for every option)`);
  }
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const ctx: CliContext = { exitCode: EXIT.ok, log };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return exitStatusFor(err);
  }
}

/** The one place CLI errors become exit statuses; expected errors print one line, never a stack. */
function exitStatusFor(err: unknown): number {
  // Commander has already printed its message (and usage) through outputError.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof ConfigError || err instanceof DataDirBusyError) {
    log(`switchyard: ${err.message}`);
    return EXIT.usage;
  }
  if (isClickHouseLockError(err)) {
    log(`switchyard: ${new DataDirBusyError(resolve(process.env.SWITCHYARD_DATA || '.data'), null).message}`);
    return EXIT.usage;
  }
  throw err;
}

/** Commander says `error: unknown command 'x'`; we say which program and that services count too. */
function rewriteError(text: string): string {
  const unknown = /^error: unknown command '([^']*)'/.exec(text);
  if (unknown) return text.replace(unknown[0], `switchyard: unknown command or service "${unknown[1]}"`);
  return text.replace(/^error: /, 'switchyard: ');
}

function packageVersion(): string {
  // Walks up from this file so it works from the sources (cli/) and from the build (dist/cli/).
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchyard' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}
