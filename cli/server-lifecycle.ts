import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { ConfigError } from '../core/errors.ts';
import { listenError, portsInUseError } from '../core/listen-error.ts';

/** The environment variables that choose a port a service's server listens on (`listen`). */
export type PortVariable = 'SWITCHYARD_PORT' | 'SWITCHYARD_API_PORT' | 'SWITCHYARD_OPS_PORT';

/** A port a run will listen on and the environment variable that chooses it. */
export interface PlannedPort {
  port: number;
  variable: PortVariable | 'SWITCHYARD_SIMULATOR_PORT';
}

/**
 * Checks, before anything starts, that every port of `ports` is free on `host`, so that a second
 * copy names all its taken ports in one error instead of one per start (a late one only after
 * the storage process has opened chDB). Port 0 (any free port) is not checked. Each port is tried
 * with a throwaway listen, one at a time. `listen` still maps its own error, for a port taken
 * between this check and the bind.
 * @throws ConfigError when two settings choose the same port (the second server would find it
 *   taken by the first, and be told another program holds it); naming each taken port with its
 *   variable; a host that is not an address of this machine as `listenError` says it
 */
export async function assertPortsFree(host: string, ports: readonly PlannedPort[]): Promise<void> {
  const fixed = ports.filter((p) => p.port !== 0);
  const chosenBy = new Map<number, string>();
  for (const { port, variable } of fixed) {
    const earlier = chosenBy.get(port);
    if (earlier) throw new ConfigError(`${earlier} and ${variable} both choose port ${port}; give each its own`);
    chosenBy.set(port, variable);
  }
  const taken: Array<{ port: number; setting: string }> = [];
  for (const { port, variable } of fixed) {
    const err = await tryListen(host, port);
    if (err?.code === 'EADDRINUSE') taken.push({ port, setting: variable });
    else if (err) throw listenError(err, host, port, { port: variable, host: 'SWITCHYARD_HOST' });
  }
  if (taken.length > 0) throw portsInUseError(host, taken);
}

/** Listens on `host:port` and closes again at once; the listen error, or null when the port was free. */
function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

/**
 * Listens on `host:port` (0: any free port) and resolves with the port; a taken port is a
 * ConfigError naming `variable`, the setting that chooses this port, and a host that is not an
 * address of this machine one naming SWITCHYARD_HOST (`listenError`).
 */
export function listen(server: Server, host: string, port: number, variable: PortVariable): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port, { port: variable, host: 'SWITCHYARD_HOST' })));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Stops intake and waits for requests in flight. Keep-alive clients under steady load would keep
 * their connections busy forever, so every response from now on closes its connection, and
 * after `graceMs` whatever is left is cut.
 */
export function closeServer(server: Server, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    server.prependListener('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
