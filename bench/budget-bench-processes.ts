import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/switchyard.js', import.meta.url));

/** A running `switchyard` process of the bench; its output goes to `log`. */
export interface BenchProcess {
  child: ChildProcess;
  /** Its /metrics address, from the Ops line it printed. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

/** A port free right now on loopback. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * Starts `switchyard <services>` and resolves once its stdout matches `ready`; rejects naming the
 * log file when it exits first or is not ready within `timeoutMs`.
 */
export function startSwitchyard(services: string[], env: Record<string, string>, ready: RegExp, log: string, timeoutMs = 240_000): Promise<BenchProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...services], { env: { ...process.env, SWITCHYARD_OPS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    let seen = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${services.join(' ')} not ready in ${timeoutMs} ms; output in ${log}`));
    }, timeoutMs);
    child.stderr.pipe(out);
    child.stdout.on('data', (d: Buffer) => {
      out.write(d);
      seen += d.toString();
      if (!ready.test(seen)) return;
      clearTimeout(timer);
      resolve({
        child,
        metricsUrl: /Ops:\s+(http:\/\/\S+\/metrics)/.exec(seen)?.[1] ?? null,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`switchyard ${services.join(' ')} exited before it was ready; output in ${log}`));
    });
  });
}
