import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../core/errors.ts';

/** The environment variables that choose a port Switchyard listens on. */
export type PortVariable = 'SWITCHYARD_PORT' | 'SWITCHYARD_API_PORT' | 'SWITCHYARD_OPS_PORT' | 'SWITCHYARD_SIMULATOR_PORT';

/**
 * Listens on `host:port` (0: any free port) and resolves with the port; a taken port is a
 * ConfigError naming `variable`, the setting that chooses this port.
 */
export function listen(server: Server, host: string, port: number, variable: PortVariable): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(portError(err, host, port, variable)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Listen errors that mean the host setting names no address of this machine. */
const HOST_ERRORS = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/**
 * A listen error as the user must see it: a taken port is a ConfigError naming `variable`, a host
 * that is not an address of this machine one naming SWITCHYARD_HOST; anything else as it came.
 */
export function portError(err: NodeJS.ErrnoException, host: string, port: number, variable: PortVariable): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is already in use; choose another with ${variable}`);
  if (err.code && HOST_ERRORS.has(err.code))
    return new ConfigError(`cannot listen on ${JSON.stringify(host)} (${err.code}): not an address of this machine; choose another with SWITCHYARD_HOST`);
  return err;
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
