import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BIN } from './support/cli-process.ts';

// Every launcher we ship starts Switchyard with a floor under V8's young generation: idle, V8
// shrinks it to 1 MB, and the first second of load after a pause then ran 21–43 scavenges and a
// mark-compact instead of 1–6 (docs/performance.md, "The young generation after a pause"). V8
// reads the size only at start-up, so it must be on each command line that starts the process.

const FLOOR = '--min-semi-space-size=16';
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

test('npm start, the Dockerfile and the bin itself start Node with the young-generation floor', () => {
  const start = (JSON.parse(readFileSync(root('package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  assert.match(start, new RegExp(`\\bnode ${FLOOR} bin/switchyard\\.js all\\b`), `npm start: ${start}`);
  const entrypoint = /^ENTRYPOINT (.*)$/m.exec(readFileSync(root('Dockerfile'), 'utf8'))?.[1];
  assert.deepEqual(JSON.parse(entrypoint ?? 'null'), ['node', FLOOR, 'bin/switchyard.js'], 'Dockerfile ENTRYPOINT');
  assert.equal(readFileSync(BIN, 'utf8').split('\n')[0], `#!/usr/bin/env -S node ${FLOOR}`, 'bin/switchyard.js shebang');
});

test('bin/switchyard.js run as a program (npx, a symlinked bin) runs Node with the floor', async () => {
  const child = spawn(BIN, ['simulate', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the simulator did not start in 60 s: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (/provider simulator on http:/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv.includes(FLOOR) && argv.some((a) => a.endsWith('bin/switchyard.js')), `command line: ${argv.join(' ')}`);
  } finally {
    child.kill('SIGTERM');
  }
});
