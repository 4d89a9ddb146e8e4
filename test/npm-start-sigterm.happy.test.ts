import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bindable } from './support/ports.ts';
import { freeStartPorts, readmeStartEnv } from './support/readme-start.ts';
import { until } from './support/wait.ts';

// The README's main command under a process manager: SIGTERM goes to the pid it started, which is
// npm's. npm passes the signal only to its direct child, the shell running the script; a plain
// `node …` there kept running after npm and the shell were gone (found by a fresh-user trial). The
// script `exec`s node, so the signal reaches Switchyard, which shuts down in order.

const ROOT = join(import.meta.dirname, '..');

test('SIGTERM to `npm start` stops Switchyard cleanly: npm exits, the log says stopped cleanly, its ports are free', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-npm-start-'));
  const ports = await freeStartPorts();
  const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: readmeStartEnv(dir, ports), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  npm.stdout!.on('data', (d: Buffer) => (log += d));
  npm.stderr!.on('data', (d: Buffer) => (log += d));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  try {
    await until(
      'npm start to be ready',
      async () => (await fetch(`http://127.0.0.1:${ports.opsPort}/readyz`).catch(() => null))?.status === 200 || null,
      90_000,
    );
    npm.kill('SIGTERM');
    await exited;
    await until('the collector and API ports to be released', async () => ((await bindable(ports.port)) && (await bindable(ports.apiPort))) || null, 30_000);
    assert.match(log, /SIGTERM: shutting down/, log);
    assert.match(log, /stopped cleanly/);
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
