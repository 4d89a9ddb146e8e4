import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClickHouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { serializeAttemptEvent } from '../core/events/attempt-event.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { benchEvent } from './ingest-bench-events.ts';
import { rssPartsMb } from './overhead-process-stats.ts';

// The embedded engine alone under the storage process's insert pattern at 500 req/s (a batch of
// 250 attempts every 500 ms through the real writer and every view), sampling this process's
// threads, anonymous RSS and the store's parts every 20 s: one JSON line per sample. Run two side
// by side, with and without --sequential-part-removal, to see what outdated-part removal does to
// chDB's threads and memory (docs/performance.md, "chDB's part-removal threads").
//   node --import tsx bench/storage-parts-probe.ts --seconds 480 [--sequential-part-removal]

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '480' },
    'sequential-part-removal': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const BATCH = 250;
const EVERY_MS = 500;
const dir = mkdtempSync(join(tmpdir(), 'switchyard-parts-probe-'));
const client = createClickHouse({ kind: 'embedded', path: join(dir, 'clickhouse') });
try {
  await migrate(client, { sequentialPartRemoval: values['sequential-part-removal'] });
  const writer = createAttemptWriter({ clickhouse: client, source: 'parts-probe' });
  const t0 = Date.now();
  let next = t0;
  let offset = 0;
  let lastSample = t0;
  while (Date.now() - t0 < SECONDS * 1000) {
    const messages = Array.from({ length: BATCH }, () => ({
      key: null,
      value: serializeAttemptEvent(benchEvent(offset, Date.now())),
      partition: 0,
      offset: String(offset++),
    }));
    await writer.handle(messages);
    if (Date.now() - lastSample >= 20_000) {
      lastSample = Date.now();
      const [parts] = await (
        await client.query({ query: 'SELECT count() AS parts, countIf(NOT active) AS outdated FROM system.parts', format: 'JSONEachRow' })
      ).json<{ parts: string; outdated: string }>();
      console.log(
        JSON.stringify({
          t_s: Math.round((Date.now() - t0) / 1000),
          sequential_part_removal: values['sequential-part-removal'],
          threads: readdirSync('/proc/self/task').length,
          rss_anon_mb: rssPartsMb('self').anon,
          parts: Number(parts?.parts),
          outdated_parts: Number(parts?.outdated),
        }),
      );
    }
    next += EVERY_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
