import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from './support/cli-process.ts';

// A port already taken is a setting the user must change: one line naming the variable that
// chooses that port, exit 2, no stack trace — for each of the ports `switchyard all` opens (the
// simulator's too, when it runs: no routes file, no provider keys).
// Found: the API port taken in the storage process gave a stack trace and exit 1; the ops port
// taken named SWITCHYARD_PORT / SWITCHYARD_API_PORT instead of SWITCHYARD_OPS_PORT.

const NO_PROVIDER_KEYS = { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '' };

/** `switchyard all`'s environment with every port chosen by the system, simulated providers, no broker; `overrides` on top. */
const allEnv = (data: string, overrides: Record<string, string> = {}) => ({
  SWITCHYARD_DATA: data,
  SWITCHYARD_PORT: '0',
  SWITCHYARD_API_PORT: '0',
  SWITCHYARD_OPS_PORT: '0',
  SWITCHYARD_SIMULATOR_PORT: '0',
  SWITCHYARD_CONFIG: '',
  KAFKA_BROKERS: '',
  ...NO_PROVIDER_KEYS,
  ...overrides,
});

const occupy = () =>
  new Promise<Server>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
  });

for (const variable of ['SWITCHYARD_PORT', 'SWITCHYARD_API_PORT', 'SWITCHYARD_OPS_PORT', 'SWITCHYARD_SIMULATOR_PORT'] as const) {
  test(`${variable} on a taken port: exit 2 and one line naming ${variable}`, async () => {
    const taken = await occupy();
    const port = (taken.address() as AddressInfo).port;
    const data = mkdtempSync(join(tmpdir(), 'switchyard-ports-'));
    try {
      const run = await runCli(['all'], allEnv(data, { [variable]: String(port) }), 180_000);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`switchyard: port ${port} on 127\\.0\\.0\\.1 is already in use; choose another with ${variable}\\n`));
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      taken.close();
      rmSync(data, { recursive: true, force: true });
    }
  });
}

// Found: a second `switchyard all` was told of one taken port per start: 8080, then (changed)
// 9464, then 4000 only after the storage process had started chDB.
test('two settings on one port: one line naming both, before anything starts (not "in use" by another program)', async () => {
  const free = await occupy();
  const port = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  const data = mkdtempSync(join(tmpdir(), 'switchyard-ports-'));
  try {
    const run = await runCli(['all'], allEnv(data, { SWITCHYARD_PORT: String(port), SWITCHYARD_OPS_PORT: String(port) }), 180_000);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^\\S+ switchyard: SWITCHYARD_PORT and SWITCHYARD_OPS_PORT both choose port ${port}; give each its own\\n$`));
    assert.deepEqual(readdirSync(data), []);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('two taken ports: one line naming both with their variables, before anything starts', async () => {
  const [collector, api] = await Promise.all([occupy(), occupy()]);
  const [collectorPort, apiPort] = [collector, api].map((s) => (s.address() as AddressInfo).port);
  const data = mkdtempSync(join(tmpdir(), 'switchyard-ports-'));
  try {
    const run = await runCli(['all'], allEnv(data, { SWITCHYARD_PORT: String(collectorPort), SWITCHYARD_API_PORT: String(apiPort) }), 180_000);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^\\S+ switchyard: port ${collectorPort} \\(SWITCHYARD_PORT\\) and port ${apiPort} \\(SWITCHYARD_API_PORT\\) on 127\\.0\\.0\\.1 are already in use; choose others with those settings\\n$`,
      ),
      'that one line and nothing else: no simulator, no storage process',
    );
    // No lock left, no chDB opened, no spool: nothing ran.
    assert.deepEqual(readdirSync(data), []);
  } finally {
    collector.close();
    api.close();
    rmSync(data, { recursive: true, force: true });
  }
});

for (const host of ['not a host', '192.0.2.1'])
  test(`SWITCHYARD_HOST=${host}, not an address of this machine: exit 2 and one line naming SWITCHYARD_HOST`, async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-host-'));
    try {
      const run = await runCli(['all'], allEnv(data, { SWITCHYARD_HOST: host }), 180_000);
      assert.equal(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `switchyard: cannot listen on "${host.replace(/\./g, '\\.')}" \\([A-Z_]+\\): not an address of this machine; choose another with SWITCHYARD_HOST\\n`,
        ),
      );
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

test('SWITCHYARD_SIMULATOR_PORT: the built-in simulator listens on the port chosen, and requests are routed to it', async () => {
  const free = await occupy();
  const port = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  const data = mkdtempSync(join(tmpdir(), 'switchyard-simport-'));
  const app = await startCli(
    ['all'],
    {
      SWITCHYARD_DATA: data,
      SWITCHYARD_PORT: '0',
      SWITCHYARD_API_PORT: '0',
      SWITCHYARD_SIMULATOR_PORT: String(port),
      SWITCHYARD_CONFIG: '',
      KAFKA_BROKERS: '',
      ...NO_PROVIDER_KEYS,
    },
    /Ops:\s+http/,
    180_000,
  );
  try {
    assert.match(app.output(), new RegExp(`using simulated providers at http://127\\.0\\.0\\.1:${port}\\b`));
    const baseUrl = /OpenAI base URL: (\S+)/.exec(app.output())![1]!;
    const res = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    // The simulator itself answers on that port.
    const direct = await fetch(`http://127.0.0.1:${port}/`).catch((err: Error) => err);
    assert.ok(!(direct instanceof Error), `nothing listening on ${port}: ${String(direct)}`);
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
    rmSync(data, { recursive: true, force: true });
  }
});

test('switchyard simulate on a taken port: exit 2 and one line naming --port', async () => {
  const taken = await occupy();
  const port = (taken.address() as AddressInfo).port;
  try {
    const run = await runCli(['simulate', '--port', String(port)], {}, 60_000);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`switchyard: port ${port} on 127\\.0\\.0\\.1 is already in use; choose another with --port\\n`));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    taken.close();
  }
});
