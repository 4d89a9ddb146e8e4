import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaAttemptSubscriber } from '../core/transport/kafka-bus.ts';
import { startCli } from './support/cli-process.ts';
import { until } from './support/wait.ts';

const brokers = process.env.KAFKA_BROKERS;

test(
  'the shim restarted by SIGTERM mid-traffic: every answered request has its attempts on the topic, exactly once',
  { skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up', timeout: 180_000 },
  async () => {
    const data = mkdtempSync(join(tmpdir(), 'switchyard-restart-'));
    const topic = `llm.attempts.v1.restart-${crypto.randomUUID().slice(0, 8)}`;
    const env = { KAFKA_BROKERS: brokers!, KAFKA_TOPIC: topic, SWITCHYARD_DATA: data, SWITCHYARD_PORT: '0' };
    const answered = new Set<string>();
    try {
      for (let run = 0; run < 2; run++) {
        const shim = await startCli(['collector'], env, /OpenAI base URL/);
        const baseUrl = /OpenAI base URL: (\S+)/.exec(shim.output())![1]!;
        let stop = false;
        const worker = async () => {
          while (!stop) {
            const r = await fetch(`${baseUrl}/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
            }).catch(() => null);
            if (!r) return;
            if (r.status === 200) answered.add(r.headers.get('x-request-id')!);
            await r.arrayBuffer();
          }
        };
        const workers = Array.from({ length: 4 }, worker);
        await until('traffic to flow', async () => answered.size >= 30 * (run + 1), 30_000);
        shim.child.kill('SIGTERM'); // mid-traffic, keep-alive connections busy
        const code = await Promise.race([shim.exited, new Promise((r) => setTimeout(() => r('still running 30 s after SIGTERM'), 30_000))]);
        assert.equal(code, 0, shim.output());
        stop = true;
        await Promise.all(workers);
      }

      const attempts = new Map<string, number>();
      const finalOk = new Set<string>();
      const subscriber = createKafkaAttemptSubscriber({
        brokers: brokers!.split(','),
        clientId: 'restart-check',
        topic,
        groupId: `g-${topic}`,
        fetchMinBytes: 1,
        fetchMaxWaitMs: 100,
      });
      await subscriber.start(async (batch) => {
        for (const m of batch) {
          const e = JSON.parse(m.value) as { attempt_id: string; request_id: string; status: string; is_final: boolean };
          attempts.set(e.attempt_id, (attempts.get(e.attempt_id) ?? 0) + 1);
          if (e.is_final && e.status === 'ok') finalOk.add(e.request_id);
        }
      });
      await until('every answered request on the topic', async () => [...answered].every((id) => finalOk.has(id)), 30_000);
      await subscriber.stop();
      assert.ok(
        [...attempts.values()].every((n) => n === 1),
        'no attempt twice',
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  },
);
