import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { ATTEMPT_SCHEMA_VERSION, serializeAttemptEvent, type AttemptEvent } from '../core/events/attempt-event.ts';
import { createKafkaAttemptPublisher, createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { createAttemptWriter } from '../ingest/attempt-writer.ts';

// Ingest throughput and event-to-queryable delay against the real broker and the embedded engine,
// with every materialized view attached. Prints one JSON object.

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000000' },
    rate: { type: 'string', default: '10000' },
    'steady-seconds': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const RATE = Number(values.rate);
const STEADY_S = Number(values['steady-seconds']);
const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
if (!brokers) {
  console.error('bench:ingest needs a broker: bash scripts/kafka.sh up && export KAFKA_BROKERS=127.0.0.1:9092');
  process.exit(2);
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
const deployments = [
  ['openai', 'openai-us', 'gpt-4o-mini', 'us'],
  ['openai', 'openai-eu', 'gpt-4o', 'eu'],
  ['anthropic', 'claude-a', 'claude-3-5-haiku-latest', 'us'],
  ['anthropic', 'claude-b', 'claude-sonnet-4', 'us'],
  ['gemini', 'gemini-a', 'gemini-2.0-flash', 'eu'],
  ['gemini', 'gemini-b', 'gemini-2.5-pro', 'us'],
] as const;
const statuses = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'error'] as const;

/** A realistic attempt: 20 teams, 50 projects, 100 features, 5,000 users, 200 keys, 6 deployments. */
function event(i: number, endedMs: number): AttemptEvent {
  const [provider, deployment, model, region] = pick(deployments, i * 7);
  const status = pick(statuses, i * 13);
  const latency = 200 + ((i * 37) % 3000);
  const input = 50 + ((i * 101) % 4000);
  const output = status === 'ok' ? 10 + ((i * 53) % 800) : 0;
  return {
    schema_version: ATTEMPT_SCHEMA_VERSION,
    attempt_id: crypto.randomUUID(),
    request_id: crypto.randomUUID(),
    attempt_no: 1 + (i % 10 === 9 ? 1 : 0),
    is_final: status === 'ok' || i % 4 === 0,
    started_at: new Date(endedMs - latency).toISOString(),
    ended_at: new Date(endedMs).toISOString(),
    ttft_ms: i % 3 === 0 ? latency / 4 : null,
    latency_ms: latency,
    route: pick(['chat', 'summarize', 'embed-rerank', 'agent'], i),
    requested_model: 'chat',
    provider,
    deployment,
    model,
    region,
    is_stream: i % 3 === 0,
    status,
    http_status: status === 'ok' ? 200 : status === 'rate_limited' ? 429 : 500,
    error_class: status === 'ok' ? null : status === 'rate_limited' ? 'rate_limited' : 'server',
    fallback_reason: i % 10 === 9 ? 'rate_limited' : 'none',
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: i % 5 === 0 ? 1024 : 0,
    reasoning_tokens: i % 11 === 0 ? output : 0,
    cost_usd: `0.${String((input * 15 + output * 60) % 999_999_999).padStart(12, '0')}`,
    price_version: 'genai-prices@bench',
    tags: {
      team: `team-${i % 20}`,
      project: `project-${i % 50}`,
      feature: `feature-${i % 100}`,
      user: `user-${i % 5000}`,
      api_key_id: `key_${(i % 200).toString(16).padStart(16, '0')}`,
      environment: i % 10 === 0 ? 'staging' : 'production',
      extra: {},
    },
    cache_write_tokens: provider === 'anthropic' && i % 7 === 0 ? 512 : 0,
    finish_reason: status === 'ok' ? 'stop' : null,
    provider_fields: status === 'ok' && provider === 'openai' ? { system_fingerprint: 'fp_bench' } : {},
    tier: pick(['economy', 'standard', 'standard', 'premium'], i),
    budget: { decision: 'allow', reserved_usd: '0.001000000000', delay_ms: 0, limited_by: '' },
    content: null,
    // Events shaped like those from before per-bucket pricing: the rollups carry their cost as unallocated.
    pricing: null,
    list_pricing: null,
    cost_by_bucket: null,
    list_cost_usd: null,
  };
}

async function count(client: ClickHouseClient, query: string): Promise<number> {
  const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>();
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const topic = `llm.attempts.v1.bench-${crypto.randomUUID().slice(0, 8)}`;
  const client = createClickHouse({ kind: 'embedded', path: join(dir, 'clickhouse') });
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 200);
  try {
    await migrate(client);
    const kafka = new Kafka({ clientId: 'bench', brokers: brokers!, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();

    // Backlog: N events on the topic before ingest starts, then the sustained drain rate.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produceStart = performance.now();
    const now = Date.now();
    for (let sent = 0; sent < EVENTS; sent += 2000) {
      const messages = Array.from({ length: Math.min(2000, EVENTS - sent) }, (_, k) => {
        const e = event(sent + k, now);
        return { key: e.request_id, value: serializeAttemptEvent(e) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();
    const produceS = (performance.now() - produceStart) / 1000;

    const writer = createAttemptWriter({ clickhouse: client, source: topic });
    const subscriber = createKafkaAttemptSubscriber({ brokers: brokers!, clientId: 'bench-ingest', topic, groupId: `g-${topic}` });
    const drainStart = performance.now();
    await subscriber.start(writer.handle);
    while (writer.stats.stored + writer.stats.rejected < EVENTS) await new Promise((r) => setTimeout(r, 50));
    const drainS = (performance.now() - drainStart) / 1000;
    const drainBatches = writer.stats.batches;

    // Steady load through the collector's publisher, ended_at = publish time: delay = ingested_at − ended_at.
    const publisher = createKafkaAttemptPublisher({ brokers: brokers!, clientId: 'bench-pub', topic });
    const steadyStart = Date.now();
    const steadyTotal = RATE * STEADY_S;
    let published = 0;
    while (published < steadyTotal) {
      const due = Math.min(steadyTotal, Math.floor(((Date.now() - steadyStart) / 1000) * RATE));
      for (; published < due; published++) publisher.publish(event(EVENTS + published, Date.now()));
      await new Promise((r) => setTimeout(r, 10));
    }
    const steadyActualRate = steadyTotal / ((Date.now() - steadyStart) / 1000);
    await publisher.close();
    const total = EVENTS + steadyTotal;
    while (writer.stats.stored + writer.stats.rejected < total) await new Promise((r) => setTimeout(r, 50));
    await subscriber.stop();

    const delays = await (
      await client.query({
        query: `SELECT quantilesExact(0.5, 0.99)(dateDiff('millisecond', ended_at, ingested_at)) AS q FROM attempts WHERE ended_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
        query_params: { from: steadyStart },
        format: 'JSONEachRow',
      })
    ).json<{ q: number[] }>();
    const rows = await count(client, 'SELECT count() FROM attempts');
    const distinct = await count(client, 'SELECT uniqExact(attempt_id) FROM attempts');
    const report = {
      events: EVENTS,
      produce_s: round(produceS),
      events_per_s: Math.round(EVENTS / drainS),
      drain_avg_batch_rows: Math.round(EVENTS / Math.max(1, drainBatches)),
      steady_rate: RATE,
      steady_rate_achieved: Math.round(steadyActualRate),
      steady_seconds: STEADY_S,
      delay_p50_ms: delays[0]?.q[0] ?? null,
      delay_p99_ms: delays[0]?.q[1] ?? null,
      rss_max_mb: Math.round(rssMax / 1048576),
      lost: total - distinct,
      duplicates: rows - distinct,
      rollups_attached: 3,
      note: 'producer, ingest and chDB share this process and the machine’s 2 cores',
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
