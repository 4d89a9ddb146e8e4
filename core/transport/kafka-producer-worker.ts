import { parentPort, workerData } from 'node:worker_threads';
import { kafkaClient } from './kafka-common.ts';
import { ProducerSession } from './kafka-producer-session.ts';
import { unpackBatch, type ToProducerThread, type FromProducerThread, type ProducerThreadConfig } from './kafka-producer-thread.ts';

// The producer thread's side (started by kafka-producer-thread.ts): one ProducerSession, driven by
// messages. Requests come one at a time (the publisher sends one batch and waits for it), so the
// session's one-request-in-flight discipline is the publisher's, unchanged.

const config = workerData as ProducerThreadConfig;
const port = parentPort!;
const post = (message: FromProducerThread) => port.postMessage(message);
const session = new ProducerSession(kafkaClient(config), config.topic, (message) => post({ op: 'log', message }));

port.on('message', (m: ToProducerThread) => {
  const work = m.op === 'send' ? session.send(unpackBatch(m.keys, m.values)) : session.close();
  work.then(
    () => post({ op: 'done', id: m.id, created: session.created }),
    (err: unknown) => post({ op: 'failed', id: m.id, created: session.created, error: plainError(err) }),
  );
});

/** What of an error crosses the thread boundary: enough for the publisher's log line and retry. */
function plainError(err: unknown): { name: string; message: string; code?: string | number; type?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const { code, type } = e as { code?: unknown; type?: unknown };
  return {
    name: e.name,
    message: e.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof type === 'string' ? { type } : {}),
  };
}
