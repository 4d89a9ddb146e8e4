import type { Command } from 'commander';
import type { RegisterCommand } from '../cli-kit.ts';
import { drillScenarios } from '../drill-scenarios.ts';

/** Values offered after an option, where the set is known. */
const optionValues: Record<string, readonly string[]> = { '--scenario': Object.keys(drillScenarios), '--day': ['yesterday', 'today'] };

/**
 * `switchyard completion`: a bash completion script built from the program itself, so a new
 * command or flag completes without touching this file. Install: `eval "$(switchyard completion)"`.
 */
export const completionCommand: RegisterCommand = (program) => {
  program
    .command('completion')
    .description('print a bash completion script (add `eval "$(switchyard completion)"` to ~/.bashrc)')
    .action(() => {
      console.log(bashCompletion(program));
    });
};

function bashCompletion(program: Command): string {
  const names = program.commands.map((c) => c.name());
  const flags = (c: Command) => [...c.options.map((o) => o.long).filter((f): f is string => Boolean(f)), '--help'].join(' ');
  const cases = program.commands.map((c) => `    ${c.name()}) words="${flags(c)}" ;;`).join('\n');
  const values = Object.entries(optionValues)
    .map(([flag, list]) => `    ${flag}) COMPREPLY=($(compgen -W "${list.join(' ')}" -- "$cur")); return ;;`)
    .join('\n');
  return `_switchyard() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=($(compgen -W "${names.join(' ')} --help --version" -- "$cur")); return; fi
  case "$prev" in
${values}
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="--help" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _switchyard switchyard`;
}
