import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RoutesAuditEntry } from '../../collector/audit/routes-audit.ts';
import type { RoutesConfig } from '../../collector/config/routes-config.ts';
import type { HealthReport } from '../../core/ops/ops-server.ts';
import { ConfigError } from '../../core/errors.ts';
import type { RawAttemptMessage } from '../../core/transport/event-bus.ts';
import { STORAGE_ROUTES_ENV, type ParentToStorage, type StorageToParent } from './storage-messages.ts';
import { storageLaunch, usableChrt } from './storage-scheduling.ts';

export interface StorageSupervisorOptions {
  /** The transport's source name (stored with each event's offset: ingest's dedup key); the same for every child this parent starts. */
  source: string;
  /** Environment of the child (SWITCHYARD_DATA, SWITCHYARD_API_PORT, CLICKHOUSE_URL, …). */
  env: Record<string, string | undefined>;
  /** Delay before a crashed child is started again, ms (doubles up to 10 s while it keeps failing to start). */
  restartDelayMs?: number;
  /** How long `stop` waits for the child to finish, ms; then it is killed. */
  stopTimeoutMs?: number;
  log: (message: string) => void;
  /** The collector's routes config, handed to each child as it starts (the newest one `applyRoutes` was told). */
  routes?: RoutesConfig;
  /** How long `health` waits for the child's answer, ms (default 5000). */
  healthTimeoutMs?: number;
  /**
   * How the child is scheduled (storage-scheduling.ts): `idle` (Linux SCHED_IDLE through chrt, the
   * default where chrt works) or `nice` (niceness only). Either way the collector's requests get
   * the CPU first and storage work what is left; events wait meanwhile (memory, then disk spool).
   */
  scheduling?: 'idle' | 'nice';
  /** Niceness of the child when it is not under SCHED_IDLE (0–19, default 19). */
  niceness?: number;
  /** The child's entry module; tests may pass their own. */
  entry?: string;
}

/** A batch the child refused or could not take (not running, crashed mid-batch, ClickHouse refused): the bus retries it. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  readonly retryable = true;
}

const defaultEntry = fileURLToPath(new URL('./storage-child.ts', import.meta.url));
// The child runs our TypeScript sources like the bin does: tsx, resolved from this package.
const tsxLoader = import.meta.resolve('tsx');

/**
 * V8 options of the storage process, for a heap that stays the same size under steady load.
 * Measured in 10-minute soaks at 500 req/s (docs/performance.md, "The storage process's heap"):
 * its heap in use fell back to ~110 MB at every mark-compact (no leak), but V8's dynamic growing
 * factor let it reach 200–310 MB in between, a sawtooth 2–4 minutes long that made the RSS
 * floors rise and fall by ~100 MB from minute to minute.
 * - `--heap-growing-percent=20`: the next mark-compact comes once the heap has grown 20 % past
 *   what the last one left, instead of up to 4×; heap total then held at 180–190 MB for 10
 *   minutes, with no storage CPU cost seen.
 * - `--max-semi-space-size=32` (Node 20's default tops out at 16 MB): events wait here from
 *   their IPC batch until ingest stored them, so fewer survive to be promoted; the ingest pipeline
 *   alone (bench:ingest) spent 8–12 % less CPU per event with it.
 * - `--min-semi-space-size=32`: V8 otherwise shrinks the young generation when a quiet moment
 *   lets it (heap total fell from ~171 to 113–141 MB for ~30 s at a time), so a minute's RSS
 *   floor depended on whether that happened; with it, heap total stayed within 175–191 MB in
 *   three soaks of four and dipped for a sample or two in the others (to 139 and 156 MB).
 * V8 sizes its heap at start-up only, so these must be command-line flags.
 */
export const STORAGE_NODE_ARGS: readonly string[] = ['--max-semi-space-size=32', '--min-semi-space-size=32', '--heap-growing-percent=20'];

/**
 * glibc malloc settings for the storage process: a fixed 128 KB mmap threshold
 * (`MALLOC_MMAP_THRESHOLD_`, mallopt(3)), unless the environment already sets one (that or
 * `GLIBC_TUNABLES` … `malloc.mmap_threshold`). glibc otherwise raises its threshold to the size of
 * each mmapped block freed (up to 32 MB), after which Node's large buffers (IPC batches, encoded
 * inserts, query results) come from the malloc arenas and their freed space stays resident. In
 * 10-minute soaks at 500 req/s the native part of the storage process's private memory
 * (RssAnon − V8 heap total; per-minute floors) climbed all along, 195 → 251 and 183 → 226 MB;
 * with the fixed threshold it held at 196–206 MB from minute 2 in one soak and within 170–211 in
 * the next (docs/performance.md, "The native part"). chDB's own allocations go to its jemalloc
 * and are not affected; what chDB's memory tracker counts had no trend in any of them.
 */
export function storageMallocEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || /malloc\.mmap_threshold/.test(env.GLIBC_TUNABLES ?? '')) return {};
  return { MALLOC_MMAP_THRESHOLD_: '131072' };
}

/**
 * Starts and supervises the storage process of `switchyard all`: ingest, policy, API and chDB in a
 * child, so the collector's event loop never waits on them. `deliver` is the handler of the
 * collector's in-process bus: it resolves when the child acknowledged the batch (stored), rejects
 * otherwise, and the bus keeps and retries the batch — so a child killed mid-batch loses nothing;
 * the next child gets the same batch with the same offsets (ingest deduplicates a partial store).
 */
export class StorageSupervisor {
  private child: ChildProcess | null = null;
  private nextId = 0;
  private pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private routes: RoutesConfig | undefined;
  private restarts = 0;
  /** Starts begun again because a signal killed the child while it loaded (see spawn). */
  private startRetries = 0;
  private stopping = false;
  private restartDelayMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  private apiPort: string | undefined;
  private ready = false;
  private readyWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  /** Some child reached ready: from then on an exit is a crash to recover from, not a failed start. */
  private everReady = false;
  /** The child's GraphQL URL once ready; kept across restarts (the same port is asked for again). */
  apiUrl: string | null = null;
  stored = 0;

  /** Whether children run under SCHED_IDLE (chrt found and allowed) or only at a lower niceness; decided once. */
  readonly scheduling: 'idle' | 'nice';
  private readonly chrt: string | null;

  constructor(private readonly o: StorageSupervisorOptions) {
    this.restartDelayMs = o.restartDelayMs ?? 500;
    this.routes = o.routes;
    this.chrt = o.scheduling === 'nice' ? null : usableChrt();
    this.scheduling = this.chrt ? 'idle' : 'nice';
  }

  /** Starts the first child; resolves when its storage is migrated and its API listens, rejects if it exits first. */
  async start(): Promise<void> {
    await this.spawn();
  }

  /** The bus handler: one batch to the child, resolved on its ack. */
  readonly deliver = async (messages: RawAttemptMessage[]): Promise<void> => {
    await this.request((id) => ({ t: 'batch', id, messages }));
  };

  /** The deployment-audit sink of the collector's routes reloads: the child writes the entry to `deployment_audit_v1`; rejects when it could not. */
  readonly audit = async (entry: RoutesAuditEntry): Promise<void> => {
    await this.request((id) => ({ t: 'audit', id, entry }));
  };

  /** A routes-file reload the collector applied: the running child gets it now, a child started later with its environment. */
  readonly applyRoutes = (config: RoutesConfig): void => {
    this.routes = config;
    const child = this.child;
    if (child?.connected) child.send({ t: 'routes', config } satisfies ParentToStorage);
  };

  /** The storage process's part of /healthz: ingest's own checks, or why there is no answer (not running, no answer in time). */
  readonly health = async (): Promise<HealthReport> => {
    const state = { pid: this.pid, ready: this.ready, restarts: this.restarts, scheduling: this.scheduling };
    if (!this.ready) return { ok: false, checks: { storage_process: { ...state, error: 'the storage process is not running' } } };
    const timeoutMs = this.o.healthTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const report = (await Promise.race([
        this.request((id) => ({ t: 'health', id }), false),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
      ])) as HealthReport;
      return { ok: report.ok, checks: { ...report.checks, storage_process: state } };
    } catch (err) {
      return { ok: false, checks: { storage_process: { ...state, error: (err as Error).message } } };
    } finally {
      clearTimeout(timer);
    }
  };

  /** The child's Prometheus text for the collector's /metrics; empty while it is not running or does not answer in time. */
  readonly metricsText = async (): Promise<string> => {
    if (!this.ready) return '';
    let timer: NodeJS.Timeout | undefined;
    try {
      return (await Promise.race([
        this.request((id) => ({ t: 'metrics', id }), false),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve(''), this.o.healthTimeoutMs ?? 5000))),
      ])) as string;
    } catch {
      return '';
    } finally {
      clearTimeout(timer);
    }
  };

  /** One request to the child, settled by its answer with the same id. A starting or restarting child is waited for (unless `wait` is false), not refused. */
  private async request(message: (id: number) => ParentToStorage, wait = true): Promise<unknown> {
    if (wait && !this.ready && !this.stopping) await new Promise<void>((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    const child = this.child;
    if (!child?.connected || !this.ready) throw new StorageUnavailableError('the storage process is not running');
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send(message(id), (err) => {
        if (err) this.settle(id, new StorageUnavailableError(`cannot reach the storage process (${err.message})`));
      });
    });
  }

  /** Asks the child to stop (after the bus drained into it) and waits for its exit; kills it past the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const w of this.readyWaiters.splice(0)) w.reject(new StorageUnavailableError('the storage process is stopping'));
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.connected) child.send({ t: 'stop' } satisfies ParentToStorage);
    else child.kill('SIGTERM');
    const timeout = setTimeout(() => {
      this.o.log(`storage process did not stop within ${this.o.stopTimeoutMs ?? 60_000} ms; killing it`);
      child.kill('SIGKILL');
    }, this.o.stopTimeoutMs ?? 60_000);
    await exited;
    clearTimeout(timeout);
  }

  /**
   * Readiness of `switchyard all`: a child reached ready once (migrated, API listening). A later
   * crash does not take it back: the collector keeps serving while the child restarts (events
   * wait in its queue), and /healthz reports the outage.
   */
  readonly hasStarted = (): boolean => this.everReady;

  /** The child's pid (tests kill it to prove nothing is lost). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  private spawn(): Promise<void> {
    this.ready = false;
    const env = {
      ...process.env,
      ...this.o.env,
      SWITCHYARD_STORAGE_SOURCE: this.o.source,
      ...(this.routes ? { [STORAGE_ROUTES_ENV]: JSON.stringify(this.routes) } : {}),
      ...(this.apiPort ? { SWITCHYARD_API_PORT: this.apiPort } : {}),
      ...storageMallocEnv(process.env),
    };
    const launch = storageLaunch(process.execPath, [...STORAGE_NODE_ARGS, '--import', tsxLoader], this.chrt);
    const child = fork(this.o.entry ?? defaultEntry, [], {
      env,
      execPath: launch.execPath,
      execArgv: launch.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // V8's serializer copies each event's JSON string as it is; the default JSON channel escapes
      // every quote in it again and the child unescapes them: 6-9 µs of the collector's main thread
      // per event against 3-4 (bench/overhead-embedded-ipc.ts). Every message here is plain data.
      serialization: 'advanced',
      // Its own process group: a terminal's Ctrl-C goes to the collector's group only. The child
      // ignores SIGINT once running, but one arriving while it still loads (before that handler
      // exists) killed it mid-start, and the collector's start failed with a stack trace (found
      // by a fresh-user trial). The collector stops it over IPC; if the collector dies, the IPC
      // channel closes and the child stops itself.
      detached: true,
    });
    this.child = child;
    // Storage work waits well (events queue, then spool); a request does not. Best effort: some systems refuse it.
    try {
      if (child.pid && launch.scheduling === 'nice') setPriority(child.pid, this.o.niceness ?? 19);
    } catch (err) {
      this.o.log(`storage process: cannot lower its priority (${(err as Error).message}); it competes with requests for the CPU`);
    }
    return new Promise<void>((resolve, reject) => {
      let startFailure: Extract<StorageToParent, { t: 'failed' }> | null = null;
      child.on('message', (m: StorageToParent) => {
        if (m.t === 'ready') {
          this.ready = true;
          this.everReady = true;
          this.apiUrl = m.apiUrl;
          // A restarted child listens where the collector already polls.
          if (m.apiUrl) this.apiPort = new URL(m.apiUrl).port;
          this.restartDelayMs = this.o.restartDelayMs ?? 500;
          for (const w of this.readyWaiters.splice(0)) w.resolve();
          resolve();
        } else if (m.t === 'ack') this.settle(m.id, null);
        else if (m.t === 'health') this.settle(m.id, null, m.report);
        else if (m.t === 'metrics') this.settle(m.id, null, m.text);
        else if (m.t === 'nack') this.settle(m.id, new StorageUnavailableError(`storage process did not store the batch: ${m.error}`));
        else if (m.t === 'stopped') this.stored += m.stored;
        else if (m.t === 'failed') startFailure = m;
      });
      child.once('exit', (code, signal) => {
        const wasReady = this.ready;
        this.ready = false;
        for (const id of [...this.pending.keys()]) this.settle(id, new StorageUnavailableError('the storage process exited with the batch in flight'));
        // Killed by a signal while loading, with no error of its own: most likely a terminal's Ctrl-C
        // sent to the collector's group in the instant between fork and the child leaving that
        // group (a signal pending then survives exec). Started again once; a second death is an error.
        if (!wasReady && signal && !startFailure && !this.stopping && this.startRetries < 1) {
          this.startRetries++;
          this.o.log(`storage process killed by ${signal} while starting; starting it again`);
          this.spawn().then(resolve, reject);
          return;
        }
        if (!wasReady)
          reject(
            startFailure?.config
              ? new ConfigError(startFailure.error)
              : new StorageUnavailableError(
                  `the storage process exited before it was ready (${signal ?? `code ${code}`})${startFailure ? `: ${startFailure.error}` : '; see its log above'}`,
                ),
          );
        if (!this.everReady) for (const w of this.readyWaiters.splice(0)) w.reject(new StorageUnavailableError('the storage process could not start'));
        if (this.stopping || child !== this.child || !this.everReady) return;
        this.o.log(
          `storage process exited (${signal ?? `code ${code}`}); starting it again in ${this.restartDelayMs} ms — events wait in the collector (memory, then disk spool)`,
        );
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          this.restarts++;
          this.spawn().catch((err: unknown) => this.o.log((err as Error).message));
        }, this.restartDelayMs);
        this.restartDelayMs = Math.min(this.restartDelayMs * 2, 10_000);
      });
    });
  }

  private settle(id: number, err: Error | null, value?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (err) p.reject(err);
    else p.resolve(value);
  }
}
