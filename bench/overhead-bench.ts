import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';

// Open-loop latency at fixed rates: direct to a fast mock upstream, through a bare Node proxy,
// and through the shim (OTel SDK on, attempt events emitted). Latency is measured from each
// request's intended start, so a stalled server cannot hide its queue (no coordinated omission).
// Prints one JSON object.

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '250,500,1000,2000' },
    seconds: { type: 'string', default: '5' },
    /** After the rates, hold the shim at soak-rate for this long, sampling its RSS (0: no soak). */
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '500' },
    json: { type: 'boolean', default: false },
  },
});
const RATES = values.rates!.split(',').map(Number);
const SECONDS = Number(values.seconds);
const here = fileURLToPath(new URL('.', import.meta.url));
const BODY = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'overhead probe' }], max_tokens: 16 });
const children: ChildProcess[] = [];

function start(command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${args.join(' ')}\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d));
  });
}

interface RunResult {
  p50_us: number;
  p99_us: number;
  max_us: number;
  completed: number;
  errors: number;
  achieved_rps: number;
}

async function run(url: string, rate: number, seconds: number): Promise<RunResult> {
  const agent = new Agent({ connections: 512, keepAliveTimeout: 60_000, pipelining: 1 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now() + 50;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const intended = t0 + (i * 1000) / rate;
    const wait = intended - performance.now();
    if (wait > 2) await new Promise((r) => setTimeout(r, wait - 1));
    // Never send early: the last stretch yields until the intended instant.
    while (performance.now() < intended) await new Promise((r) => setImmediate(r));
    inflight.push(
      request(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json', authorization: 'Bearer bench' }, dispatcher: agent })
        .then(async (r) => {
          await r.body.arrayBuffer();
          if (r.statusCode !== 200) errors++;
          latencies.push((performance.now() - intended) * 1000);
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  await agent.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0);
  return { p50_us: q(0.5), p99_us: q(0.99), max_us: Math.round(latencies[latencies.length - 1] ?? 0), completed: latencies.length, errors, achieved_rps: Math.round(latencies.length / elapsed) };
}

/** Holds the shim at a steady rate, sampling RSS every 10 s: flat RSS means no leak per request. */
async function runSoak(url: string, pid: number): Promise<{ rate: number; seconds: number; rss_mb: number[]; rss_growth_mb_after_first_minute: number; errors: number } | null> {
  const seconds = Number(values['soak-seconds']);
  const rate = Number(values['soak-rate']);
  if (!(seconds > 0)) return null;
  const samples: number[] = [rssMb(pid)];
  let errors = 0;
  for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
    errors += (await run(url, rate, Math.min(10, seconds - elapsed))).errors;
    samples.push(rssMb(pid));
  }
  // The first minute warms JIT and pools; growth after it is what a leak would show.
  const warm = samples[Math.min(6, samples.length - 1)]!;
  return { rate, seconds, rss_mb: samples, rss_growth_mb_after_first_minute: samples[samples.length - 1]! - warm, errors };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Held without queueing: nearly every request answered, and the p99 not ten times the lowest rate's. */
function sustained(results: Array<{ rate: number } & RunResult>): number {
  const base = results[0]?.p99_us ?? 0;
  let best = 0;
  for (const r of results) if (r.errors === 0 && r.achieved_rps >= 0.95 * r.rate && r.p99_us <= Math.max(10 * base, 20_000)) best = r.rate;
  return best;
}

async function main(): Promise<void> {
  const tsx = ['--import', 'tsx'];
  const upstream = (await start(process.execPath, [...tsx, join(here, 'overhead-servers.ts'), 'upstream'], {}, /(http:\/\/\S+)/)).match[1]!;
  const proxy = (await start(process.execPath, [...tsx, join(here, 'overhead-servers.ts'), 'proxy', upstream], {}, /(http:\/\/\S+)/)).match[1]!;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-overhead-'));
  const routes = join(dir, 'routes.json');
  // A per-key budget far above the traffic: every request is counted, reserved and settled, none refused.
  const budgets = { default_max_tokens: 16, limits: [{ scope: 'key', id: '*', limit_usd: 1_000_000, per: 'minute' }] };
  writeFileSync(routes, JSON.stringify({ budgets, routes: [{ name: 'chat', deployments: [{ name: 'mock', provider: 'openai-compatible', base_url: `${upstream}/v1`, api_key_env: 'BENCH_UPSTREAM_KEY', model: 'bench-model', price: { input_per_mtok: '0.15', output_per_mtok: '0.6' } }] }] }));
  const kafka = process.env.KAFKA_BROKERS;
  const shimProcess = await start(
    process.execPath,
    [join(here, '..', 'bin', 'switchyard.js'), ...(kafka ? ['collector'] : ['all'])],
    {
      SWITCHYARD_CONFIG: routes,
      SWITCHYARD_DATA: dir,
      SWITCHYARD_PORT: '0',
      SWITCHYARD_API_PORT: '0',
      SWITCHYARD_OPS_PORT: '0',
      BENCH_UPSTREAM_KEY: 'k',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      KAFKA_TOPIC: `llm.attempts.v1.bench-${Date.now()}`,
    },
    /OpenAI base URL: (\S+)/,
  );
  const shim = shimProcess.match[1]!;
  const shimPid = shimProcess.child.pid!;

  const targets = { direct: `${upstream}/v1/chat/completions`, bare_proxy: `${proxy}/v1/chat/completions`, shim: `${shim}/chat/completions` };
  const results: Record<string, Array<{ rate: number } & RunResult>> = { direct: [], bare_proxy: [], shim: [] };
  const rssStart = rssMb(shimPid);
  for (const rate of RATES) {
    // Side by side at each rate, so machine noise hits all three alike.
    for (const [name, url] of Object.entries(targets)) {
      await run(url, Math.min(rate, 100), 1); // warm-up
      results[name]!.push({ rate, ...(await run(url, rate, SECONDS)) });
    }
  }
  const rssEnd = rssMb(shimPid);
  const soak = await runSoak(targets.shim, shimPid);
  const at = (name: string, rate: number) => results[name]!.find((r) => r.rate === rate);
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [name, { sustained_rps: sustained(rs), by_rate: rs }]),
  );
  const report = {
    rates: RATES,
    seconds_per_rate: SECONDS,
    events: kafka ? 'kafka' : 'embedded in-process (ingest and chDB share the shim process)',
    targets: summary,
    shim_rss_mb: { start: rssStart, end: rssEnd },
    shim_p99_minus_bare_proxy_us_at_1000: RATES.includes(1000) ? (at('shim', 1000)!.p99_us - at('bare_proxy', 1000)!.p99_us) : null,
    budget_checks: 'on: a per-key budget, so every shim request counts its prompt, reserves and settles',
    ...(soak ? { soak } : {}),
  };
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  rmSync(dir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  for (const c of children) c.kill('SIGTERM');
}
process.exit(0);
