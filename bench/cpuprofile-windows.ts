import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

// Reads a V8 CPU profile (`node --cpu-prof`, e.g. the collector's from
// `bench/overhead-embedded-timeline.ts --node-args="--cpu-prof --cpu-prof-dir=DIR"`) and answers
// two questions about it, as one JSON object:
//   - when was the main thread busy: milliseconds of non-idle samples per window (`busy_ms`),
//     which finds the warm-up, a pause and the run in a profile of the whole process life;
//   - what costs more in one time window than in another of the same length (`--a 43.0,44.5
//     --b 45.5,47.0`, seconds since the profile started): self time per function in each, the
//     largest differences first. GC shows as `(garbage collector)`.
//   node --import tsx bench/cpuprofile-windows.ts --profile CPU.….cpuprofile[.gz] [--window-ms 500] [--a S0,S1 --b S0,S1] [--top 30]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** The fields of a .cpuprofile this reads; times in µs. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One sample: when it was taken (µs since the profile started), how long it stood for (µs), and its leaf frame's node. */
interface Sample {
  atUs: number;
  us: number;
  node: ProfileNode;
}

function samplesOf(p: CpuProfile): Sample[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out: Sample[] = [];
  let at = 0;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one; the last has none.
    const us = p.timeDeltas[i + 1] ?? 0;
    const node = byId.get(p.samples[i]!);
    if (node) out.push({ atUs: at, us, node });
  }
  return out;
}

function frameName(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/\S*?\/(?=(?:collector|core|ingest|policy|api|cli)\/)/, '');
  return `${n.callFrame.functionName || '(anonymous)'}${url ? ` ${url}` : ''}`;
}

const isIdle = (n: ProfileNode) => n.callFrame.functionName === '(idle)';

/** Non-idle ms per window of `windowMs`, from the profile's start. */
export function busyByWindow(p: CpuProfile, windowMs: number): number[] {
  const out = new Array<number>(Math.ceil((p.endTime - p.startTime) / 1000 / windowMs)).fill(0);
  for (const s of samplesOf(p)) {
    // A sample taken at the profile's very end falls past the last window; it stands for nothing.
    const w = Math.min(out.length - 1, Math.floor(s.atUs / 1000 / windowMs));
    if (!isIdle(s.node)) out[w]! += s.us / 1000;
  }
  return out.map((ms) => Math.round(ms));
}

/** Self ms per frame (function and file) in [fromS, toS) seconds since the profile started. */
export function selfMs(p: CpuProfile, fromS: number, toS: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samplesOf(p)) {
    if (s.atUs < fromS * 1e6 || s.atUs >= toS * 1e6 || isIdle(s.node)) continue;
    const k = frameName(s.node);
    out.set(k, (out.get(k) ?? 0) + s.us / 1000);
  }
  return out;
}

function span(text: string | undefined, flag: string): [number, number] | null {
  if (!text) return null;
  const [a, b] = text.split(',').map(Number);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b! <= a!)
    throw new Error(`${flag} must be FROM,TO in seconds since the profile started (FROM < TO), got ${JSON.stringify(text)}`);
  return [a!, b!];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      'window-ms': { type: 'string', default: '500' },
      a: { type: 'string' },
      b: { type: 'string' },
      top: { type: 'string', default: '30' },
    },
  });
  if (!values.profile) throw new Error('--profile FILE.cpuprofile is required');
  // The profiles committed under bench/profiles/data are gzipped.
  const raw = readFileSync(values.profile);
  const p = JSON.parse((values.profile.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as CpuProfile;
  const a = span(values.a, '--a');
  const b = span(values.b, '--b');
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const out: Record<string, unknown> = { window_ms: Number(values['window-ms']), busy_ms: busyByWindow(p, Number(values['window-ms'])) };
  if (a && b) {
    const [sa, sb] = [selfMs(p, ...a), selfMs(p, ...b)];
    const total = (m: Map<string, number>) => round([...m.values()].reduce((x, y) => x + y, 0));
    out.a = { seconds: a, busy_ms: total(sa) };
    out.b = { seconds: b, busy_ms: total(sb) };
    out.largest_differences = [...new Set([...sa.keys(), ...sb.keys()])]
      .map((frame) => ({ frame, a_ms: round(sa.get(frame) ?? 0), b_ms: round(sb.get(frame) ?? 0) }))
      .sort((x, y) => y.a_ms - y.b_ms - (x.a_ms - x.b_ms))
      .slice(0, Number(values.top));
  }
  console.log(JSON.stringify(out));
}
