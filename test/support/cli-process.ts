import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI to completion; bounded so a hang fails the test instead of the suite. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SWITCHYARD_OPS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI and resolves once stdout matches `ready`, with what it printed so far. */
export function startCli(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SWITCHYARD_OPS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${args.join(' ')} not ready in ${timeoutMs} ms\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard exited with ${code} before it was ready\n${out}`));
    });
  });
}

/**
 * `switchyard all` as users start it (storage process, no broker) on a routes file and data
 * directory, every port chosen by the system; resolves once it printed its URLs, with them.
 */
export async function startAll(routesFile: string, dataDir: string, env: Record<string, string> = {}) {
  const app = await startCli(
    ['all'],
    { SWITCHYARD_CONFIG: routesFile, SWITCHYARD_DATA: dataDir, SWITCHYARD_PORT: '0', SWITCHYARD_API_PORT: '0', KAFKA_BROKERS: '', ...env },
    /Ops:\s+http/,
    120_000,
  );
  const printed = (re: RegExp) => re.exec(app.output())![1]!;
  return {
    ...app,
    baseUrl: printed(/OpenAI base URL: (\S+)/),
    apiUrl: printed(/GraphQL:\s+(\S+)/),
    opsUrl: printed(/Ops:\s+(http:\/\/[^/\s]+)/),
  };
}
