import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN } from './support/cli-process.ts';
import { alive } from './support/processes.ts';
import { freeStartPorts, readmeStartEnv, sendChats } from './support/readme-start.ts';
import { until } from './support/wait.ts';

// The storage process runs in a process group of its own (so a terminal's Ctrl-C reaches only the
// collector, which stops it in order). A signal to the collector's group therefore no longer takes
// it down too: when the collector is killed outright, the storage process must notice (its IPC
// channel closes), store what it holds and exit, so the data directory can be opened again.

/** Attempts the API lists for the last hour (the README's start has no API tokens: admin). */
async function storedAttempts(apiPort: number): Promise<number> {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const r = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ attempts(from: "${from}", to: "${to}", first: 50) { attempts { attemptId } } }` }),
  });
  const body = (await r.json()) as { data?: { attempts: { attempts: unknown[] } }; errors?: unknown };
  assert.ok(body.data, JSON.stringify(body.errors));
  return body.data.attempts.attempts.length;
}

/** The pid of the storage process `switchyard all` (pid `collector`) forked. */
function storageProcessOf(collector: number): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(collector)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const line = lines.find((l) => l.includes('storage-child'));
  assert.ok(line, `no storage process among ${JSON.stringify(lines)}`);
  return Number(line.trim().split(/\s+/)[0]);
}

test(
  'the collector killed outright (SIGKILL): the storage process stores what it was sent and exits; a new start opens the same store',
  { timeout: 240_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-orphan-'));
    const start = async () => {
      const ports = await freeStartPorts();
      const child = spawn(process.execPath, [BIN, 'all'], { env: readmeStartEnv(dir, ports), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      await until(
        'switchyard all to be ready',
        async () => (await fetch(`http://127.0.0.1:${ports.opsPort}/readyz`).catch(() => null))?.status === 200 || null,
        120_000,
      );
      return { child, ports, out: () => out };
    };
    const first = await start();
    let storagePid = 0;
    try {
      await sendChats(first.ports, 5);
      await until('the five attempts to be stored', async () => (await storedAttempts(first.ports.apiPort)) === 5 || null, 60_000);
      storagePid = storageProcessOf(first.child.pid!);
      first.child.kill('SIGKILL');
      await until('the storage process to exit on its own', async () => !alive(storagePid) || null, 60_000);
    } finally {
      first.child.kill('SIGKILL');
      if (storagePid && alive(storagePid)) process.kill(storagePid, 'SIGKILL');
    }
    // The same data directory opens again (a stale lock is taken over; chDB's own lock was released), and the attempts are there.
    const second = await start();
    try {
      assert.equal(await storedAttempts(second.ports.apiPort), 5);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
