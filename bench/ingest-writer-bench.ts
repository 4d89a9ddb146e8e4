import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// The ingest writer alone: validate, build, deduplicate and insert bench events into a fresh
// embedded store, without Kafka, and report the process's CPU per event. Kafka's fetches and the
// producer in `bench:ingest` move its figures by ±20 % run to run on this machine; this keeps only
// the writer's own work, so a change of a few µs per event shows. `--before DIR` runs the same
// rounds in another checkout (a `git worktree` of an older commit, node_modules linked),
// alternating with this one, each round in a fresh process.
//
//   npm run bench:ingest-writer -- --json [--events 60000] [--batch 6000] [--rounds 4] [--before DIR]

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '60000' },
    batch: { type: 'string', default: '6000' },
    rounds: { type: 'string', default: '4' },
    before: { type: 'string' },
    child: { type: 'string' },
  },
});

interface Round {
  tree: 'this' | 'before';
  cpu_us_per_event: number;
  events_per_s: number;
}

const events = Number(values.events);
const batch = Number(values.batch);
if (!Number.isInteger(events) || events < 3 * batch || !Number.isInteger(batch) || batch < 1)
  throw new Error(`--events (${values.events}) must be an integer of at least 3 × --batch (${values.batch})`);

if (values.child) console.log(JSON.stringify(await writeOnce(values.child)));
else await main();

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const here = resolve(self, '../..');
  const trees: Array<[Round['tree'], string]> = [['this', here]];
  if (values.before) trees.push(['before', resolve(values.before)]);
  const rounds: Round[] = [];
  for (let r = 0; r < Number(values.rounds); r++)
    for (const [tree, root] of r % 2 === 0 ? trees : [...trees].reverse()) {
      // A fresh process per round: neither tree inherits the other's JIT state, heap or engine.
      const out = execFileSync(
        process.execPath,
        ['--max-semi-space-size=32', '--import', 'tsx', self, '--child', root, '--events', String(events), '--batch', String(batch)],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      rounds.push({ tree, ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<Round, 'tree'>) });
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const summary = (tree: Round['tree']) => {
    const mine = rounds.filter((r) => r.tree === tree);
    return { cpu_us_per_event: median(mine.map((r) => r.cpu_us_per_event)), events_per_s: median(mine.map((r) => r.events_per_s)) };
  };
  const result = {
    events,
    batch_rows: batch,
    partitions: 3,
    rounds,
    median: { this: summary('this'), ...(values.before ? { before: summary('before') } : {}) },
  };
  console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
}

/** One round in `root`'s code: `events` bench events in `batch`-message batches, three partitions at once. */
async function writeOnce(root: string): Promise<Omit<Round, 'tree'>> {
  // Imported from the tree under test, so an older checkout measures its own writer.
  const { freshEmbeddedStore } = (await import(`${root}/test/support/embedded-store.ts`)) as typeof import('../test/support/embedded-store.ts');
  const { createAttemptWriter } = (await import(`${root}/ingest/attempt-writer.ts`)) as typeof import('../ingest/attempt-writer.ts');
  const { benchEvent } = (await import(`${root}/bench/ingest-bench-events.ts`)) as typeof import('./ingest-bench-events.ts');
  const { serializeAttemptEvent } = (await import(`${root}/core/events/attempt-event.ts`)) as typeof import('../core/events/attempt-event.ts');
  const store = await freshEmbeddedStore();
  try {
    const now = Date.now();
    const wire = Array.from({ length: events }, (_, i) => serializeAttemptEvent(benchEvent(i, now - (events - i))));
    const { handle } = createAttemptWriter({ clickhouse: store.client, source: 'writer-bench' });
    // One small batch on a partition of its own first: the validator's compilation and the
    // engine's first insert are start-up, not the writer's rate.
    await handle(wire.slice(0, 1000).map((value, i) => ({ key: null, value, partition: 9, offset: String(i) })));
    const next = [0, 0, 0];
    const cpu = process.cpuUsage();
    const startedMs = performance.now();
    for (let first = 0; first < events; first += 3 * batch)
      await Promise.all(
        [0, 1, 2].map(async (partition) => {
          const slice = wire.slice(first + partition * batch, first + (partition + 1) * batch);
          if (slice.length > 0) await handle(slice.map((value) => ({ key: null, value, partition, offset: String(next[partition]!++) })));
        }),
      );
    const used = process.cpuUsage(cpu);
    const wallS = (performance.now() - startedMs) / 1000;
    return { cpu_us_per_event: Math.round(((used.user + used.system) / events) * 10) / 10, events_per_s: Math.round(events / wallS) };
  } finally {
    await store.dispose();
  }
}
