import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startScriptNodeArgs } from './overhead-targets.ts';

// The benches start Switchyard with the Node options `npm start` gives it, or they would measure
// a collector users never run.
test('startScriptNodeArgs reads the Node options of the start script, and none from a script without', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-start-script-'));
  try {
    for (const [start, expected] of [
      ['exec node bin/switchyard.js all', []],
      ['exec node --a=1 --b bin/switchyard.js all', ['--a=1', '--b']],
      ['tsx cli/main.ts all', []],
    ] as const) {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start } }));
      assert.deepEqual(startScriptNodeArgs(dir), expected, start);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
