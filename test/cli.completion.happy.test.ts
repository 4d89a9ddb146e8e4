import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BIN } from './support/cli-process.ts';

/** Runs the generated script in a real bash and asks it to complete `words` (the last one partial). */
function complete(words: string[]): string[] {
  const script = execFileSync(process.execPath, [BIN, 'completion'], { encoding: 'utf8' });
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    ['-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _switchyard; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean).sort();
}

test('bash completion offers commands, each command’s flags and known values', () => {
  assert.deepEqual(complete(['switchyard', 'dr']), ['drill']);
  assert.deepEqual(complete(['switchyard', 're']), ['reconcile', 'report']);
  assert.deepEqual(complete(['switchyard', 'drill', '--re']), ['--requests']);
  assert.deepEqual(complete(['switchyard', 'drill', '--scenario', 'a']), ['all-down']);
  assert.deepEqual(complete(['switchyard', 'reconcile', '--day', 'y']), ['yesterday']);
});
