import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import OpenAI from 'openai';
import { simulatedRoutes, simulatedUpstreams, SIMULATOR_KEY_ENV } from '../../cli/default-routes.ts';
import { serviceNames, startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { startSimulator, type Simulator } from '../../collector/simulator/index.ts';
import type { ClickHouseClient } from '../../core/clickhouse/client.ts';
import { scalar } from './embedded-store.ts';
export { until } from './wait.ts';

export interface SpineHarness {
  pipeline: Pipeline;
  simulator: Simulator;
  client: ClickHouseClient;
  openai: OpenAI;
  /** Puts a raw message on the transport, bypassing the collector (Kafka only). */
  injectRaw?: (value: string) => Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The whole pipeline in this process on a fresh embedded store, over three simulated providers
 * with the Anthropic one hard down. With `kafka`, events cross a real broker on a fresh topic.
 */
export async function startSpine(kafka?: { brokers: string[] }): Promise<SpineHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-spine-'));
  const simulator = await startSimulator({ seed: 7, faults: { [simulatedUpstreams.anthropic]: { down: true } } });
  const suffix = crypto.randomUUID().slice(0, 8);
  const topic = `llm.attempts.v1.spine-${suffix}`;
  const pipeline = await startPipeline({
    services: new Set(serviceNames),
    host: '127.0.0.1',
    collectorPort: 0,
    apiPort: 0,
    routes: simulatedRoutes((u, k) => simulator.baseUrl(u, k), { base_delay_ms: 5, max_delay_ms: 50 }),
    providerEnv: { [SIMULATOR_KEY_ENV]: 'simulated-key' },
    clickhouse: { kind: 'embedded', path: join(dataDir, 'clickhouse') },
    kafka: kafka && { brokers: kafka.brokers, groupId: `spine-${suffix}`, topic },
    weightsPollMs: 100,
    policyIntervalMs: 300,
    policyWindowMs: 3000,
    log: () => {},
  });
  const openai = new OpenAI({
    baseURL: pipeline.collectorUrl!,
    apiKey: 'sk-team-search-123',
    maxRetries: 0,
    defaultHeaders: { 'x-switchyard-team': 'search' },
  });
  return {
    pipeline,
    simulator,
    client: pipeline.clickhouse!,
    openai,
    injectRaw: kafka && ((value) => produceRaw(kafka.brokers, topic, value)),
    dispose: async () => {
      await pipeline.stop();
      await simulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function chat(openai: OpenAI, n: number, concurrency = 4, team = 'search'): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const completion = await openai.chat.completions.create(
        { model: 'chat', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 32 },
        { headers: { 'x-switchyard-team': team } },
      );
      assert.ok(completion.choices[0]?.message.content, 'every request gets an answer');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Waits, without sleeping blindly, until ClickHouse holds `expected` distinct attempts. */
export async function waitForStoredAttempts(client: ClickHouseClient, expected: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = Number(await scalar(client, 'SELECT count() FROM attempts FINAL'));
    if (n >= expected || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function graphql<T>(apiUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(apiUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function produceRaw(brokers: string[], topic: string, value: string): Promise<void> {
  const producer = new Kafka({ clientId: 'spine-poison', brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'poison', value }] });
  } finally {
    await producer.disconnect();
  }
}
