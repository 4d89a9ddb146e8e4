import type { Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { BackoffPolicy } from '../retry/backoff.ts';

// Shared by the Kafka transport modules; kafkajs never leaves core/transport/kafka-*.ts.

export interface KafkaCommon {
  brokers: string[];
  clientId: string;
  topic?: string;
  logger?: (message: string) => void;
  /** Opens the TCP connection to a broker; the seam tests use to put a fault-injecting proxy in between. */
  connect?: (host: string, port: number, onConnect: () => void) => Socket;
}

export const TOPIC_PARTITIONS = 3;

export function kafkaClient(o: KafkaCommon): Kafka {
  // kafkajs's own logging is off: it would log every reconnect. State changes are logged here, once.
  const connect = o.connect;
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    ...(connect ? { socketFactory: ({ host, port, onConnect }) => connect(host, port, onConnect) } : {}),
  });
}

export async function ensureTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Backoff between tries of a batch the broker or the handler failed (see core/retry), ms. */
export const KAFKA_RETRY_BACKOFF: BackoffPolicy = { baseDelayMs: 100, maxDelayMs: 5000 };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settles with `promise`, or rejects after `ms` without leaving a timer behind either way. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
