import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './overhead-load.ts';

// The processes bench:overhead measures, each started cold so the time to its first answer counts.

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const children: ChildProcess[] = [];
const dataDirs: string[] = [];

/** A started target: where to send requests, its pid (for RSS), and when it was spawned (performance.now()). */
export interface Target {
  endpoint: Endpoint;
  pid: number;
  spawnedAt: number;
  /** Switchyard's ops server (/metrics: the serving process's heap), when it has one. */
  opsUrl?: string;
}

/** Spawns a child; resolves with the first match of `ready` on its stdout (60 s at most). */
export function start(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray; spawnedAt: number }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let matched = false;
    const timer = setTimeout(() => reject(new Error(`not ready: ${args.join(' ')}\n${out}`)), 60_000);
    // Keeps reading after ready (a full pipe would stall the child), but only the tail is kept.
    const onData = (d: Buffer) => {
      out = (out + d).slice(-8192);
      const m = matched ? null : ready.exec(out);
      if (m) {
        matched = true;
        clearTimeout(timer);
        resolve({ child, match: m, spawnedAt });
      }
    };
    child.stdout!.on('data', onData);
    // BENCH_CHILD_STDOUT=FILE keeps every child's stdout whole (V8's --trace-deopt and --trace-opt print there).
    const keep = process.env.BENCH_CHILD_STDOUT;
    if (keep) child.stdout!.on('data', (d: Buffer) => appendFileSync(keep, d));
    child.stderr!.on('data', (d: Buffer) => (out = (out + d).slice(-8192)));
    child.once('exit', (code) => !matched && reject(new Error(`exited with ${code}: ${args.join(' ')}\n${out}`)));
  });
}

/** Stops every process this module started (20 s each at most), then removes the data directories. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      return exited.finally(() => clearTimeout(timer));
    }),
  );
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
}

/** A port free right now: Switchyard's is fixed up front so requests can be tried from the instant of spawn. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The mock upstream and the bare proxy (bench/overhead-servers.ts), ready to serve. */
export async function startServers(): Promise<{ upstream: string; proxy: string }> {
  const tsx = ['--import', 'tsx'];
  const upstream = (await start(process.execPath, [...tsx, join(here, 'overhead-servers.ts'), 'upstream'], {}, /(http:\/\/\S+)/)).match[1]!;
  const proxy = (await start(process.execPath, [...tsx, join(here, 'overhead-servers.ts'), 'proxy', upstream], {}, /(http:\/\/\S+)/)).match[1]!;
  return { upstream, proxy };
}

/** An OTLP/HTTP sink that accepts every export, so traces cost the collector what they cost and none fail; resolves with its origin. */
export async function startOtlpSink(): Promise<{ url: string; close: () => void }> {
  const sink = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`, close: () => void sink.close() };
}

/** A routes file for the mock upstream, with a per-key budget far above the traffic (every request is counted, reserved and settled). */
export function writeRoutes(upstream: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-overhead-routes-'));
  dataDirs.push(dir);
  const file = join(dir, 'routes.json');
  const budgets = { default_max_tokens: 16, limits: [{ scope: 'key', id: '*', limit_usd: 1_000_000, per: 'minute' }] };
  writeFileSync(
    file,
    JSON.stringify({
      budgets,
      routes: [
        {
          name: 'chat',
          deployments: [
            {
              name: 'mock',
              provider: 'openai-compatible',
              base_url: `${upstream}/v1`,
              api_key_env: 'BENCH_UPSTREAM_KEY',
              model: 'bench-model',
              price: { input_per_mtok: '0.15', output_per_mtok: '0.6' },
            },
          ],
        },
      ],
    }),
  );
  return file;
}

export interface SwitchyardOptions {
  command: 'all' | 'collector';
  routes: string;
  /** Extra environment (KAFKA_BROKERS for the collector alone; the embedded mode switch). */
  env: Record<string, string | undefined>;
  /** V8 CPU profile directory, if one is wanted. */
  profileDir?: string;
  /** More Node options for the process (e.g. `--trace-gc`, `--import` of a probe). */
  nodeArgs?: string[];
}

/**
 * The Node options `npm start` gives Switchyard in the checkout at `root` (its package.json start
 * script; none today), so a bench starts it as users do; [] for a start script without any.
 */
export function startScriptNodeArgs(root: string): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } }).scripts?.start ?? '';
  const m = /\bnode((?:\s+--\S+)*)\s+bin\/switchyard\.js\b/.exec(start);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

/** `switchyard <command>` on a fresh data directory; resolves at spawn, not at ready, so the cold start is measured. */
export async function startSwitchyard(o: SwitchyardOptions): Promise<Target & { ready: Promise<unknown> }> {
  const port = await freePort();
  const opsPort = await freePort();
  // A fixed API port, as users have (4000): the collector of `switchyard all` then serves while its storage process starts.
  const apiPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-overhead-'));
  dataDirs.push(dataDir);
  const profile = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const args = [...profile, ...startScriptNodeArgs(root), ...(o.nodeArgs ?? []), join(root, 'bin', 'switchyard.js'), o.command];
  const env = {
    SWITCHYARD_CONFIG: o.routes,
    SWITCHYARD_DATA: dataDir,
    SWITCHYARD_PORT: String(port),
    SWITCHYARD_API_PORT: String(apiPort),
    SWITCHYARD_OPS_PORT: String(opsPort),
    BENCH_UPSTREAM_KEY: 'k',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    KAFKA_BROKERS: undefined,
    ...o.env,
  };
  const spawnedAt = performance.now();
  const started = start(process.execPath, args, env, /OpenAI base URL: (\S+)/);
  // Once spawned the pid is known; readiness is awaited separately.
  await new Promise((r) => setImmediate(r));
  const pid = children[children.length - 1]!.pid!;
  return { endpoint: { url: `http://127.0.0.1:${port}/v1/chat/completions` }, pid, spawnedAt, opsUrl: `http://127.0.0.1:${opsPort}`, ready: started };
}

/** The Portkey gateway from npm (a dev dependency), pointed at the mock upstream by headers; null when not installed. */
export async function startPortkey(upstream: string): Promise<Target | null> {
  const bin = join(root, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (!existsSync(bin)) return null;
  const port = await freePort();
  const spawnedAt = performance.now();
  void start(process.execPath, [bin, `--port=${port}`, '--headless'], { NODE_ENV: 'production' }, /Ready for connections/).catch(() => {});
  await new Promise((r) => setImmediate(r));
  const pid = children[children.length - 1]!.pid!;
  const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` };
  return { endpoint: { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers }, pid, spawnedAt };
}
