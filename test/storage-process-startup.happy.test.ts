import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN } from './support/cli-process.ts';
import { freeStartPorts, readmeStartEnv } from './support/readme-start.ts';

// The README's main command as a user runs it — `switchyard all`, no routes file, no provider
// keys (the simulator answers), fixed ports — started cold:
// - /readyz (ops port and collector port) answers 503 while the storage process starts, and once
//   it answers 200 a GraphQL query sent at that instant succeeds (no ECONNREFUSED race);
// - requests are served before that (the collector does not wait for storage);
// - the collector process never loads the storage side (chDB, the ClickHouse client, GraphQL,
//   ingest, the API, the policy service): its loaded modules are recorded by a loader hook.

const RECORDER = fileURLToPath(new URL('./support/import-recorder.mjs', import.meta.url));
const ROOT = new URL('../', import.meta.url).href;
const STORAGE_SIDE = [
  /\/node_modules\/chdb\//,
  /\/node_modules\/@clickhouse\/client/,
  /\/node_modules\/graphql(-yoga)?\//,
  /\/node_modules\/kafkajs\//,
  new RegExp(`^${ROOT}(api|ingest)/`),
  /\/policy\/policy-service\.ts$/,
];

async function get(url: string): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** A GraphQL query: its HTTP status and whether `data` came back (0: no answer, e.g. ECONNREFUSED). */
async function graphql(url: string): Promise<{ status: number; data: boolean; error?: string }> {
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const body = (await r.json()) as { data?: unknown };
    return { status: r.status, data: body.data !== undefined };
  } catch (err) {
    return { status: 0, data: false, error: String((err as Error).cause ?? err) };
  }
}

test(
  '`switchyard all` cold: /readyz is 503 until the API answers, then 200 with GraphQL at once; the collector loads no storage module',
  { timeout: 240_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-'));
    const importLog = join(dir, 'imports.log');
    const { port, apiPort, opsPort } = await freeStartPorts();
    const env = readmeStartEnv(dir, { port, apiPort, opsPort }, { SWITCHYARD_IMPORT_LOG: importLog });
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, 'all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    const ops = `http://127.0.0.1:${opsPort}`;
    const api = `http://127.0.0.1:${apiPort}/graphql`;
    try {
      const seen = { ops: new Set<number>(), collector: new Set<number>() };
      let servedBeforeReady = false;
      const deadline = Date.now() + 180_000;
      for (;;) {
        assert.equal(child.exitCode, null, `switchyard exited early:\n${out}`);
        assert.ok(Date.now() < deadline, `not ready in 180 s:\n${out}`);
        const [opsReady, collectorReady] = await Promise.all([get(`${ops}/readyz`), get(`${base}/readyz`)]);
        seen.ops.add(opsReady);
        seen.collector.add(collectorReady);
        for (const [name, status] of [
          ['ops', opsReady],
          ['collector', collectorReady],
        ] as const) {
          if (status !== 200) continue;
          // Ready means ready: the README's next step (a GraphQL query) must succeed right now.
          const q = await graphql(api);
          assert.deepEqual(
            { status: q.status, data: q.data },
            { status: 200, data: true },
            `${name} /readyz said 200 but GraphQL answered ${q.status} ${q.error ?? ''}\n${out}`,
          );
        }
        if (opsReady === 200 && collectorReady === 200) break;
        if (collectorReady === 503 && !servedBeforeReady) {
          const r = await fetch(`${base}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'early' }] }),
          }).catch(() => null);
          servedBeforeReady = r?.status === 200;
          await r?.arrayBuffer();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(seen.ops.has(503) && seen.collector.has(503), `/readyz was never 503 while the storage process started: ${JSON.stringify([...seen.ops])}`);
      assert.ok(servedBeforeReady, 'the collector serves requests while storage starts');

      const loaded = readFileSync(importLog, 'utf8').split('\n').filter(Boolean);
      // The recorder saw the collector's own modules, so an empty match below means something.
      assert.ok(
        loaded.some((u) => u.endsWith('/collector/http/collector-server.ts')),
        `the import log lacks the collector:\n${loaded.slice(0, 20).join('\n')}`,
      );
      const storageSide = loaded.filter((u) => STORAGE_SIDE.some((re) => re.test(u)));
      assert.deepEqual(storageSide.slice(0, 10), [], 'the collector process loaded storage-side modules (they belong to the storage process)');
      // A clean stop once the CLI says it runs (its signal handlers are installed by then).
      for (let i = 0; i < 500 && !/switchyard running/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
    } finally {
      child.kill('SIGKILL');
      // Its storage child inherited these pipes; after a failure it must not keep the test waiting.
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'SIGTERM while the storage process starts: `switchyard all` finishes starting, then stops cleanly and stores what it served',
  { timeout: 240_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-startup-stop-'));
    const ports = await freeStartPorts();
    const child = spawn(process.execPath, [BIN, 'all'], { env: readmeStartEnv(dir, ports), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${ports.port}`;
    try {
      let served = false;
      const deadline = Date.now() + 120_000;
      while (!served) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `no request served:\n${out}`);
        const r = await fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'before ready' }] }),
        }).catch(() => null);
        served = r?.status === 200;
        await r?.arrayBuffer();
        if (!served) await new Promise((r) => setTimeout(r, 20));
      }
      // Still starting: the signal must not kill it mid-start (an orphaned storage process, an event lost).
      assert.equal(await get(`${base}/readyz`), 503, 'the storage process was still starting');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
      assert.match(out, /stopped cleanly \(1 attempt stored this run\)/);
    } finally {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
