import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import type { LagProbe } from '../core/transport/event-bus.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';
import { rollupAttemptTotals } from '../ingest/live-rollups.ts';
import { ceilingBatches, engineCeiling, viewCosts } from './ingest-bench-ceiling.ts';
import { benchEvent, produceStorm } from './ingest-bench-events.ts';

// Ingest throughput under a duplicate storm, with and without deduplication, beside the engine's own
// insert rate for the same rows and rollups (measured before and after the drains, in the same
// process), where the pipeline's time goes per stage, and event-to-queryable delay, against the
// real broker and the embedded engine with every materialized view attached. Prints one JSON object.

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000000' },
    duplicates: { type: 'string', default: '0.1' },
    rate: { type: 'string', default: '10000' },
    'steady-seconds': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    /** Rows per pre-encoded insert of the engine ceiling (the writer's maxRows). */
    'ceiling-batch': { type: 'string', default: '10000' },
    /** Also measure the ceiling with each materialized view detached in turn (slow). */
    'view-costs': { type: 'boolean', default: false },
    /** Also drain the deduplicated backlog again with zod validating every event (the path before the compiled validator). */
    'compare-zod': { type: 'boolean', default: false },
    /** Consumer batching (the subscriber's defaults when absent): a fetch waits for this many bytes… */
    'fetch-min-bytes': { type: 'string' },
    /** …or this long, ms. */
    'fetch-max-wait-ms': { type: 'string' },
    /** The batch byte bound per partition (a fetch carries up to three such batches). */
    'fetch-max-bytes-per-partition': { type: 'string' },
    /** Rows per insert at most (the writer's `maxRows`; its default when absent). */
    'max-rows': { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const DUPLICATE_SHARE = Number(values.duplicates);
const RATE = Number(values.rate);
const STEADY_S = Number(values['steady-seconds']);
const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
if (!brokers) {
  console.error('bench:ingest needs a broker: bash scripts/kafka.sh up && export KAFKA_BROKERS=127.0.0.1:9092');
  process.exit(2);
}
const fetchOptions = {
  ...(values['fetch-min-bytes'] ? { fetchMinBytes: Number(values['fetch-min-bytes']) } : {}),
  ...(values['fetch-max-wait-ms'] ? { fetchMaxWaitMs: Number(values['fetch-max-wait-ms']) } : {}),
  ...(values['fetch-max-bytes-per-partition'] ? { fetchMaxBytesPerPartition: Number(values['fetch-max-bytes-per-partition']) } : {}),
};
const maxRows = values['max-rows'] ? { maxRows: Number(values['max-rows']) } : {};
const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
const run = crypto.randomUUID().slice(0, 8);
const topicFor = (name: string) => `llm.attempts.v1.bench-${run}-${name}`;

async function count(client: ClickHouseClient, query: string): Promise<number> {
  const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>();
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** The backlog: EVENTS attempts as a RATE events/s stream would have left them, plus the copies. */
async function produceBacklog(topic: string): Promise<{ messages: number; seconds: number }> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const start = performance.now();
  const now = Date.now();
  const messages = await produceStorm(
    EVENTS,
    DUPLICATE_SHARE,
    (i) => now - ((EVENTS - i) * 1000) / RATE,
    async (batch) => void (await producer.send({ topic, acks: -1, messages: batch })),
  );
  await producer.disconnect();
  return { messages, seconds: (performance.now() - start) / 1000 };
}

/** Drains a backlog topic into the store and counts, from ClickHouse, what the copies did to raw and to every rollup. */
async function drain(client: ClickHouseClient, topic: string, messages: number, dedupe: boolean, validation: 'compiled' | 'zod' = 'compiled') {
  const engine = inFlightClock();
  const writer = createAttemptWriter({ clickhouse: timedEngine(client, engine), source: topic, dedupe, validation, ...maxRows });
  const subscriber = createKafkaAttemptSubscriber({
    brokers: brokers!,
    clientId: `bench-ingest-${dedupe}`,
    topic,
    groupId: `g-${topic}-${validation}`,
    ...fetchOptions,
  });
  const busy = inFlightClock();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await subscriber.start((messages) => busy.around(() => writer.handle(messages)));
  await committedAll(subscriber);
  const seconds = (performance.now() - start) / 1000;
  const stages = { consume: seconds * 1000 - busy.ms(), ...writer.stats.stageMs };
  // CPU of this process (ingest and the chDB engine in it): a figure neighbours on a shared machine distort less than wall time.
  const cpu = process.cpuUsage(cpuStart);
  await subscriber.stop();
  const distinct = await count(client, 'SELECT uniqExact(attempt_id) FROM attempts');
  const rollups = await rollupAttemptTotals(client);
  return {
    eventsPerS: Math.round(messages / seconds),
    cpuUsPerEvent: Math.round((cpu.user + cpu.system) / messages),
    avgBatchRows: Math.round(messages / Math.max(1, writer.stats.batches)),
    removed: writer.stats.duplicates,
    lost: EVENTS - distinct,
    rawDuplicates: (await count(client, 'SELECT count() FROM attempts')) - distinct,
    rollupDuplicates: Math.max(0, ...Object.values(rollups).map((n) => n - distinct)),
    rollups: Object.keys(rollups).length,
    stageUsPerEvent: Object.fromEntries(Object.entries(stages).map(([k, ms]) => [k, round((ms * 1000) / messages)])),
    validatedByZod: writer.stats.validatedByZod,
    engineBusyShare: round(engine.ms() / (seconds * 1000)),
  };
}

/**
 * Wall time during which at least one call wrapped by `around` was in flight, ms. Around the
 * handler (partitions are handled concurrently) the rest of a drain is the consumer fetching,
 * decoding and committing; around the engine's calls, the rest is the engine idle.
 */
function inFlightClock() {
  let inFlight = 0;
  let since = 0;
  let total = 0;
  return {
    async around<T>(call: () => Promise<T>): Promise<T> {
      if (inFlight++ === 0) since = performance.now();
      try {
        return await call();
      } finally {
        if (--inFlight === 0) total += performance.now() - since;
      }
    },
    ms: () => total,
  };
}

/** The client with its statements (insert, query, command) timed by `clock`: a query's answer arrives whole, so its call is its time. */
function timedEngine(client: ClickHouseClient, clock: ReturnType<typeof inFlightClock>): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      return prop === 'insert' || prop === 'query' || prop === 'command' ? (...a: unknown[]) => clock.around(() => method(...a)) : method;
    },
  });
}

/**
 * Resolves once the group committed every partition to its end. Writer stats cannot tell: a
 * batch redelivered after a rebalance (a starved heartbeat on a busy machine) is counted again.
 */
async function committedAll(subscriber: LagProbe): Promise<void> {
  while ((await subscriber.lag()).some((p) => p.lag > 0)) await new Promise((r) => setTimeout(r, 200));
}

/** Empties every table the runs write (raw, rollups, deduplication state), so each run starts alike. */
async function truncateData(client: ClickHouseClient): Promise<void> {
  const tables = await (
    await client.query({
      query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name != 'schema_migrations'",
      format: 'JSONEachRow',
    })
  ).json<{ name: string }>();
  for (const { name } of tables) await client.command({ query: 'TRUNCATE TABLE {name:Identifier}', query_params: { name } });
}

/** Steady load through the collector's publisher, ended_at = publish time: delay = ingested_at − ended_at. */
async function steady(client: ClickHouseClient) {
  const topic = topicFor('steady');
  const writer = createAttemptWriter({ clickhouse: client, source: topic, ...maxRows });
  const subscriber = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'bench-ingest-steady', topic, groupId: `g-${topic}`, ...fetchOptions });
  await subscriber.start(writer.handle);
  const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'bench-pub', topic });
  const start = Date.now();
  const total = RATE * STEADY_S;
  let published = 0;
  while (published < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * RATE));
    for (; published < due; published++) publisher.publish(benchEvent(EVENTS + published, Date.now()));
    await new Promise((r) => setTimeout(r, 10));
  }
  const achieved = total / ((Date.now() - start) / 1000);
  // Every event reaches the broker before closing: close() would count what is left as dropped (no spool here).
  await publisher.flush();
  await publisher.close();
  const dropped = publisher.dropped;
  await committedAll(subscriber);
  await subscriber.stop();
  // The first 5 s apart as well: producer connect and the consumer's first fetches (cold start) beside steady state.
  const delays = await (
    await client.query({
      query: `
        WITH dateDiff('millisecond', ended_at, ingested_at) AS delay, ended_at < (SELECT min(ended_at) FROM attempts) + INTERVAL 5 SECOND AS cold
        SELECT quantilesExact(0.5, 0.99)(delay) AS q, quantilesExactIf(0.5, 0.99)(delay, cold) AS first_5s, quantilesExactIf(0.5, 0.99)(delay, NOT cold) AS after_5s
        FROM attempts`,
      format: 'JSONEachRow',
    })
  ).json<{ q: number[]; first_5s: number[]; after_5s: number[] }>();
  const distinct = await count(client, 'SELECT uniqExact(attempt_id) FROM attempts');
  return {
    achieved,
    dropped,
    delays: delays[0]?.q ?? [],
    delaysFirst5s: delays[0]?.first_5s ?? [],
    delaysAfter5s: delays[0]?.after_5s ?? [],
    lost: total - distinct,
    avgBatchRows: Math.round(total / Math.max(1, writer.stats.batches)),
    duplicates: (await count(client, 'SELECT count() FROM attempts')) - distinct,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const client = createClickHouse({ kind: 'embedded', path: join(dir, 'clickhouse') });
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 200);
  try {
    await migrate(client);
    const storm = await produceBacklog(topicFor('dedupe'));
    const baselineStorm = await produceBacklog(topicFor('baseline'));
    const ceiling = ceilingBatches(EVENTS, Number(values['ceiling-batch']), RATE);
    const ceilingBefore = await engineCeiling(client, ceiling);
    await truncateData(client);
    // With deduplication first: the run without it then has the warmer process, so the ratio errs low.
    const on = await drain(client, topicFor('dedupe'), storm.messages, true);
    await truncateData(client);
    const off = await drain(client, topicFor('baseline'), baselineStorm.messages, false);
    await truncateData(client);
    const zod = values['compare-zod'] ? await drain(client, topicFor('dedupe'), storm.messages, true, 'zod') : undefined;
    if (zod) await truncateData(client);
    const ceilingAfter = await engineCeiling(client, ceiling);
    await truncateData(client);
    // Mean of the runs either side of the drains: neighbours' load on a shared machine hits both alike.
    const engineCeilingRowsPerS = Math.round((ceilingBefore.rowsPerS + ceilingAfter.rowsPerS) / 2);
    const views = values['view-costs'] ? await viewCosts(client, ceiling, () => truncateData(client)) : undefined;
    const s = await steady(client);
    const report = {
      events: EVENTS,
      duplicate_share: DUPLICATE_SHARE,
      messages: storm.messages,
      produce_s: round(storm.seconds),
      engine_ceiling_rows_per_s: engineCeilingRowsPerS,
      engine_ceiling_runs: [ceilingBefore.rowsPerS, ceilingAfter.rowsPerS],
      engine_ceiling_cpu_us_per_row: Math.round((ceilingBefore.cpuUsPerRow + ceilingAfter.cpuUsPerRow) / 2),
      engine_ceiling_batch_rows: Number(values['ceiling-batch']),
      events_per_s: on.eventsPerS,
      ceiling_ratio: round(on.eventsPerS / engineCeilingRowsPerS),
      stage_us_per_event: on.stageUsPerEvent,
      engine_busy_share: on.engineBusyShare,
      ...(zod
        ? {
            events_per_s_zod_validation: zod.eventsPerS,
            cpu_us_per_event_zod_validation: zod.cpuUsPerEvent,
            stage_us_per_event_zod_validation: zod.stageUsPerEvent,
          }
        : {}),
      stage_us_per_event_without_dedupe: off.stageUsPerEvent,
      validated_by_zod: on.validatedByZod,
      ...(views ? { engine_ceiling_by_view: views } : {}),
      // The same ratio in CPU per event, the figure the machine's neighbours distort least.
      ceiling_cpu_ratio: round(Math.round((ceilingBefore.cpuUsPerRow + ceilingAfter.cpuUsPerRow) / 2) / on.cpuUsPerEvent),
      events_per_s_without_dedupe: off.eventsPerS,
      dedupe_throughput_ratio: round(on.eventsPerS / off.eventsPerS),
      cpu_us_per_event: on.cpuUsPerEvent,
      cpu_us_per_event_without_dedupe: off.cpuUsPerEvent,
      duplicates_removed: on.removed,
      duplicates_in_rollups: on.rollupDuplicates,
      duplicates_in_rollups_without_dedupe: off.rollupDuplicates,
      drain_avg_batch_rows: on.avgBatchRows,
      steady_rate: RATE,
      steady_rate_achieved: Math.round(s.achieved),
      steady_seconds: STEADY_S,
      steady_dropped_by_publisher: s.dropped,
      steady_avg_batch_rows: s.avgBatchRows,
      ...(Object.keys(fetchOptions).length > 0 ? { fetch_options: fetchOptions } : {}),
      ...(values['max-rows'] ? { max_rows: Number(values['max-rows']) } : {}),
      delay_p50_ms: s.delays[0] ?? null,
      delay_p99_ms: s.delays[1] ?? null,
      delay_p50_p99_ms_first_5s: s.delaysFirst5s,
      delay_p50_p99_ms_after_5s: s.delaysAfter5s,
      rss_max_mb: Math.round(rssMax / 1048576),
      lost: on.lost + s.lost,
      duplicates: on.rawDuplicates + s.duplicates,
      rollups_attached: on.rollups,
      note: 'events_per_s counts messages (events and their copies) drained per second; engine_ceiling_rows_per_s is chDB alone storing the same rows, read by the engine from pre-encoded files (INSERT … FROM INFILE), through the same views; stage_us_per_event is wall time per message (consume: no batch in the handler); producer, ingest and chDB share this process and the machine’s 2 cores',
    };
    console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  } finally {
    clearInterval(rssTimer);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

await main();
process.exit(0);
