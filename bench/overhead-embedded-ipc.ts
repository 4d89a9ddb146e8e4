import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { benchEvent } from './ingest-bench-events.ts';

// What shipping attempt events to the storage process costs each side of the IPC channel, per
// event, by wire encoding: batches of serialized events sent one at a time (the next after the
// ack), the child decoding each into messages and acknowledging — the embedded transport's
// pattern without ingest. Prints one JSON object.
//   node --import tsx bench/overhead-embedded-ipc.ts --events 50000 --batch 1000

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});

type Mode = 'json-objects' | 'json-joined' | 'advanced-objects' | 'advanced-joined';
const MODES: Mode[] = ['json-objects', 'json-joined', 'advanced-objects', 'advanced-joined'];

interface Objects {
  t: 'batch';
  id: number;
  messages: Array<{ key: string | null; value: string; partition: number; offset: string }>;
}
interface Joined {
  t: 'batch';
  id: number;
  first: string;
  keys: Array<string | null>;
  lengths: number[];
  values: string;
}

/** The child: decodes each batch into per-event messages (what ingest needs) and acknowledges it. */
function child(mode: Mode): void {
  let decoded = 0;
  process.on('message', (m: Objects | Joined | { t: 'cpu' }) => {
    if (m.t === 'cpu') return void process.send!({ t: 'cpu', us: process.cpuUsage().user + process.cpuUsage().system, decoded });
    if (mode.endsWith('joined')) {
      const j = m as Joined;
      let at = 0;
      const first = BigInt(j.first);
      const out = j.keys.map((key, i) => {
        const value = j.values.slice(at, (at += j.lengths[i]!));
        return { key, value, partition: 0, offset: String(first + BigInt(i)) };
      });
      decoded += out.length;
    } else decoded += (m as Objects).messages.length;
    process.send!({ t: 'ack', id: m.id });
  });
}

async function measure(mode: Mode, events: Array<{ key: string; value: string }>, batch: number) {
  const c = fork(import.meta.filename, ['--child', mode], {
    execArgv: ['--import', 'tsx'],
    serialization: mode.startsWith('advanced') ? 'advanced' : 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const acks = new Map<number, () => void>();
  const cpu: Array<(m: { us: number; decoded: number }) => void> = [];
  c.on('message', (m: { t: 'ack'; id: number } | { t: 'cpu'; us: number; decoded: number }) => {
    if (m.t === 'ack') acks.get(m.id)?.();
    else cpu.shift()?.(m);
  });
  const childCpu = () => new Promise<{ us: number; decoded: number }>((r) => (cpu.push(r), c.send({ t: 'cpu' })));
  await childCpu(); // started
  const before = { parent: process.cpuUsage(), child: await childCpu(), t: performance.now() };
  let offset = 0n;
  for (let i = 0, id = 0; i < events.length; i += batch, id++) {
    const slice = events.slice(i, i + batch);
    const acked = new Promise<void>((r) => acks.set(id, r));
    if (mode.endsWith('joined'))
      c.send({
        t: 'batch',
        id,
        first: String(offset),
        keys: slice.map((e) => e.key),
        lengths: slice.map((e) => e.value.length),
        values: slice.map((e) => e.value).join(''),
      } satisfies Joined);
    else c.send({ t: 'batch', id, messages: slice.map((e, k) => ({ ...e, partition: 0, offset: String(offset + BigInt(k)) })) } satisfies Objects);
    offset += BigInt(slice.length);
    await acked;
  }
  const wall = performance.now() - before.t;
  const parent = process.cpuUsage(before.parent);
  const after = await childCpu();
  c.kill();
  const per = (us: number) => Math.round((us / events.length) * 100) / 100;
  return {
    mode,
    parent_cpu_us_per_event: per(parent.user + parent.system),
    child_cpu_us_per_event: per(after.us - before.child.us),
    wall_us_per_event: per(wall * 1000),
    decoded: after.decoded - before.child.decoded,
  };
}

if (values.child) child(values.child as Mode);
else {
  const n = Number(values.events);
  const now = Date.now();
  const events = Array.from({ length: n }, (_, i) => {
    const e = benchEvent(i, now - i);
    return { key: e.request_id, value: serializeAttemptEvent(e) };
  });
  const results: Array<Awaited<ReturnType<typeof measure>>> = [];
  // Round-robin, so machine noise hits every mode alike.
  for (let r = 0; r < Number(values.rounds); r++) for (const mode of MODES) results.push(await measure(mode, events, Number(values.batch)));
  const bytes = Math.round(events.reduce((a, e) => a + e.value.length, 0) / n);
  console.log(JSON.stringify({ events: n, batch: Number(values.batch), event_bytes: bytes, results }));
  process.exit(0);
}
