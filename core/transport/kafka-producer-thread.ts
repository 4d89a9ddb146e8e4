import { Worker } from 'node:worker_threads';
import type { SpooledMessage } from './disk-spool.ts';

/** What the publisher drives: a `ProducerSession` on this thread, or one on its own thread (`ProducerThread`). */
export interface BatchProducer {
  /** Sends one batch, resolving once the broker acknowledged it (acks=all); rejects to be retried unchanged. */
  send(messages: SpooledMessage[]): Promise<void>;
  close(): Promise<void>;
  /** Producer ids made so far (1 unless a fatal error or a lost thread forced a new one). */
  readonly created: number;
}

/** The producer thread's settings: plain data, as they cross to the thread. */
export interface ProducerThreadConfig {
  brokers: string[];
  clientId: string;
  topic: string;
}

/**
 * A batch crosses as its keys and its values joined by newlines: one string copies in one go,
 * where twenty message objects cost the structured clone about twice as much. Serialized events
 * are JSON, which never holds a raw newline; a value that does is sent as a list.
 */
export type ToProducerThread = { op: 'send'; id: number; keys: Array<string | null>; values: string | string[] } | { op: 'close'; id: number };

/** The batch as it crosses to the thread (see `ToProducerThread`). */
export function packBatch(messages: SpooledMessage[]): { keys: Array<string | null>; values: string | string[] } {
  const values = messages.map((m) => m.value);
  return { keys: messages.map((m) => m.key), values: values.some((v) => v.includes('\n')) ? values : values.join('\n') };
}

/** The batch again, on the thread's side. */
export function unpackBatch(keys: Array<string | null>, values: string | string[]): SpooledMessage[] {
  const list = typeof values === 'string' ? values.split('\n') : values;
  return keys.map((key, i) => ({ key, value: list[i]! }));
}

export type FromProducerThread =
  | { op: 'done'; id: number; created: number }
  | { op: 'failed'; id: number; created: number; error: { name: string; message: string; code?: string | number; type?: string } }
  | { op: 'log'; message: string };

/**
 * The kafkajs producer on a worker thread (kafka-producer-worker.ts), so that encoding record
 * batches, CRC32C and the broker's answers no longer run on the event loop that serves requests
 * (at 1,000 req/s they cost it ~80 µs per request, in blocks of a few ms per batch). The
 * publisher's queue, spool, retries and counts stay on this thread: only a batch of serialized
 * messages crosses, and the answer comes back. Inside the thread the same `ProducerSession`
 * keeps one idempotent producer across transient errors. If the thread itself dies, the batch in
 * flight is failed (and retried by the publisher) on a new thread with a new producer id — a
 * possible copy, as after a fatal producer error; ingest removes copies by attempt_id.
 */
export class ProducerThread implements BatchProducer {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private createdByEarlierThreads = 0;
  private createdByThisThread = 0;

  constructor(
    private readonly config: ProducerThreadConfig,
    private readonly log: (message: string) => void,
  ) {}

  get created(): number {
    return this.createdByEarlierThreads + this.createdByThisThread;
  }

  send(messages: SpooledMessage[]): Promise<void> {
    return this.request((id) => ({ op: 'send', id, ...packBatch(messages) }));
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.request((id) => ({ op: 'close', id })).catch(() => undefined);
    await worker.terminate();
  }

  private request(message: (id: number) => ToProducerThread): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    // Held while an answer is owed (a flush must not see the process exit under it), let go when idle.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(message(id));
    });
  }

  private start(): Worker {
    const worker = new Worker(bootstrap(), { eval: true, workerData: this.config, execArgv: [] });
    worker.on('message', (m: FromProducerThread) => this.receive(m));
    worker.on('error', (err) => this.log(`kafka publisher: the producer thread failed (${err.name}: ${err.message.slice(0, 200)})`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.createdByEarlierThreads += this.createdByThisThread;
      this.createdByThisThread = 0;
      for (const p of this.pending.values()) p.reject(new Error(`kafka producer thread exited (code ${code})`));
      this.pending.clear();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(m: FromProducerThread): void {
    if (m.op === 'log') return this.log(m.message);
    this.createdByThisThread = m.created;
    const waiting = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (m.op === 'done') waiting?.resolve();
    else waiting?.reject(Object.assign(new Error(m.error.message), m.error));
  }
}

/**
 * The thread's entry as code to evaluate: the worker module beside this one, with the same
 * extension (.ts from the sources, .js from the build). From the sources the thread registers tsx
 * itself, as bin/switchyard.js did for the main thread (a worker does not inherit `register()`).
 */
function bootstrap(): string {
  const self = import.meta.url;
  const entry = JSON.stringify(new URL(`./kafka-producer-worker${self.slice(self.lastIndexOf('.'))}`, self).href);
  if (!self.endsWith('.ts')) return `import(${entry});`;
  return `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${entry}); });`;
}
