import { createKafkaAttemptSubscriber } from '../../core/transport/kafka-bus.ts';
import { until } from './wait.ts';

/** Every message on a fresh topic, counted: how tests prove none lost and none written twice. */
export interface TopicCensus {
  /** Messages on the topic (sum of the partitions' high watermarks). */
  messages: number;
  /** How often each attempt_id occurs. */
  byAttempt: Map<string, number>;
}

/** Reads the whole topic with a fresh consumer group until it has seen every message the broker holds. */
export async function topicCensus(brokers: string[], topic: string, timeoutMs = 30_000): Promise<TopicCensus> {
  const subscriber = createKafkaAttemptSubscriber({
    brokers,
    clientId: 'census',
    topic,
    groupId: `census-${crypto.randomUUID()}`,
    fetchMinBytes: 1,
    fetchMaxWaitMs: 100,
  });
  const byAttempt = new Map<string, number>();
  let seen = 0;
  await subscriber.start(async (batch) => {
    for (const m of batch) {
      const id = (JSON.parse(m.value) as { attempt_id: string }).attempt_id;
      byAttempt.set(id, (byAttempt.get(id) ?? 0) + 1);
      seen++;
    }
  });
  try {
    const messages = (await subscriber.lag()).reduce((n, p) => n + Number(p.high), 0);
    await until(`all ${messages} messages of ${topic}`, async () => seen >= messages, timeoutMs);
    return { messages, byAttempt };
  } finally {
    await subscriber.stop();
  }
}
