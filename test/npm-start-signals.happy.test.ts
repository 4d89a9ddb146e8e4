import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bindable } from './support/ports.ts';
import { alive } from './support/processes.ts';
import { freeStartPorts, readmeStartEnv, sendChats, type StartPorts } from './support/readme-start.ts';
import { until } from './support/wait.ts';

// The README's main command stopped the two ways users stop it.
// - Under a process manager: SIGTERM goes to the pid it started, which is npm's. npm passes the
//   signal only to its direct child, the shell running the script; a plain `node …` there kept
//   running after npm and the shell were gone (found by a fresh-user trial). The script `exec`s
//   node, so the signal reaches Switchyard, which shuts down in order.
// - Ctrl-C in a terminal: SIGINT to the whole process group (npm, node, the storage process), and
//   npm forwards its own copy to node. Node took that second copy as "exit at once": no orderly
//   stop, and the storage process, its parent gone, died with ERR_IPC_CHANNEL_CLOSED (found by a
//   fresh-user trial).

const ROOT = join(import.meta.dirname, '..');

interface Started {
  npm: ChildProcess;
  ports: StartPorts;
  log: () => string;
  exited: Promise<number | null>;
}

/** Starts `npm start`; resolves once `/readyz` answers 200, or, with `untilLog`, once the log matches it. */
async function startNpm(dir: string, untilLog?: RegExp): Promise<Started> {
  const ports = await freeStartPorts();
  // Its own process group, as a terminal gives it, so the whole group can be signalled.
  const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: readmeStartEnv(dir, ports), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  npm.stdout!.on('data', (d: Buffer) => (log += d));
  npm.stderr!.on('data', (d: Buffer) => (log += d));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  if (untilLog) await until(`the log to match ${untilLog}`, async () => untilLog.test(log) || null, 90_000);
  else
    await until(
      'npm start to be ready',
      async () => (await fetch(`http://127.0.0.1:${ports.opsPort}/readyz`).catch(() => null))?.status === 200 || null,
      90_000,
    );
  return { npm, ports, log: () => log, exited };
}

/** True while any process of group `pgid` is alive (zombies included: not yet reaped means not gone). */
const groupAlive = (pgid: number) => alive(-pgid);

/** Every process below `pid` now (the storage process runs in a process group of its own). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  for (let frontier = [pid]; frontier.length > 0;) {
    frontier = rows.filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p);
    out.push(...frontier);
  }
  return out;
}

async function stoppedInOrder(s: Started, signal: 'SIGINT' | 'SIGTERM', stored: number, tree: number[]): Promise<void> {
  const code = await s.exited;
  await until('the collector and API ports to be released', async () => ((await bindable(s.ports.port)) && (await bindable(s.ports.apiPort))) || null, 30_000);
  // The storage process leaves with the collector; nothing of the group stays behind.
  await until('every process of the group to exit', async () => !groupAlive(s.npm.pid!) || null, 30_000);
  await until('the storage process to exit too', async () => !tree.some(alive) || null, 30_000);
  const log = s.log();
  assert.equal(code, 0, log);
  assert.equal(log.match(new RegExp(`${signal}: shutting down`, 'g'))?.length, 1, log);
  assert.match(log, new RegExp(`stopped cleanly \\(${stored} attempts? stored this run\\)`), log);
  assert.doesNotMatch(log, /ERR_IPC|Error:|\n\s+at |again: exiting/, log);
  // Nothing invites requests once shutting down.
  assert.doesNotMatch(log.slice(log.indexOf(`${signal}: shutting down`)), /switchyard running|OpenAI base URL/, log);
}

/**
 * Starts `npm start`, stops it with `signal` the way users send it (SIGINT: a terminal's Ctrl-C to
 * the whole group; SIGTERM: a process manager, to npm's pid) once ready with 12 requests served,
 * or while the storage process still loads, and checks the stop was orderly.
 */
async function stopsInOrder(signal: 'SIGINT' | 'SIGTERM', when: 'ready' | 'starting'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-npm-start-'));
  let s: Started | undefined;
  try {
    // While starting: the simulator is up (this line) some seconds before the storage process is ready.
    s = await startNpm(dir, when === 'starting' ? /using simulated providers/ : undefined);
    const requests = when === 'ready' ? 12 : 0;
    await sendChats(s.ports, requests);
    const tree = descendants(s.npm.pid!);
    if (signal === 'SIGINT') process.kill(-s.npm.pid!, 'SIGINT');
    else s.npm.kill('SIGTERM');
    await stoppedInOrder(s, signal, requests, tree);
  } finally {
    if (s && groupAlive(s.npm.pid!)) process.kill(-s.npm.pid!, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SIGTERM to `npm start` stops Switchyard cleanly: npm exits, every attempt is stored, its ports are free', { timeout: 150_000 }, () =>
  stopsInOrder('SIGTERM', 'ready'),
);

test('Ctrl-C (SIGINT to the process group) stops `npm start` cleanly: one shutdown, every attempt stored, no IPC errors', { timeout: 150_000 }, () =>
  stopsInOrder('SIGINT', 'ready'),
);

// Found by a fresh-user trial: Ctrl-C while the storage process was still loading killed it, and
// the start failed with StorageUnavailableError's stack trace (exit 1); a SIGTERM then printed the
// "running" banner after "shutting down".
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during start-up (the storage process still loading): an orderly stop, exit 0, no stack trace, no banner after it`, { timeout: 150_000 }, () =>
    stopsInOrder(signal, 'starting'),
  );
}
