import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startCli } from './support/cli-process.ts';
import { graphql } from './support/spine-scenario.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS;

test(
  'distributed mode: a collector process and an ingest+policy+api process meet only through Kafka',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up' },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));
    const suffix = crypto.randomUUID().slice(0, 8);
    const kafkaEnv = { KAFKA_BROKERS: brokers!, KAFKA_TOPIC: `llm.attempts.v1.dist-${suffix}`, KAFKA_GROUP_ID: `dist-${suffix}` };
    const backend = await startCli(['ingest', 'policy', 'api'], { ...kafkaEnv, SWITCHYARD_DATA: data, SWITCHYARD_API_PORT: '0' }, /GraphQL:\s+http/);
    try {
      const apiUrl = /GraphQL:\s+(\S+)/.exec(backend.output())![1]!;
      const collector = await startCli(
        ['collector'],
        { ...kafkaEnv, SWITCHYARD_PORT: '0', SWITCHYARD_API_URL: apiUrl, SWITCHYARD_DATA: join(data, 'unused') },
        /OpenAI base URL/,
      );
      const openai = new OpenAI({ baseURL: /OpenAI base URL: (\S+)/.exec(collector.output())![1]!, apiKey: 'k', maxRetries: 0 });
      for (let i = 0; i < 20; i++)
        await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `q${i}` }] }, { headers: { 'x-switchyard-team': 'dist' } });
      collector.child.kill('SIGTERM');
      assert.equal(await collector.exited, 0, collector.output());

      type Report = { costReport: { total: { attempts: number; requests: number; costUsd: string } } };
      const query = 'query($from: String!, $to: String!) { costReport(from: $from, to: $to, groupBy: [TEAM]) { total { attempts requests costUsd } } }';
      const vars = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
      const report = await until('ingest to store all 20 attempts', async () => {
        const r = await graphql<Report>(apiUrl, query, vars);
        return r.costReport.total.attempts >= 20 ? r : null;
      });
      assert.equal(report.costReport.total.attempts, 20);
      assert.equal(report.costReport.total.requests, 20);
      assert.ok(Number(report.costReport.total.costUsd) > 0);
    } finally {
      backend.child.kill('SIGTERM');
      assert.equal(await backend.exited, 0, backend.output());
      rmSync(data, { recursive: true, force: true });
    }
  },
);
