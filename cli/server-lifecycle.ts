import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../core/listen-error.ts';

/** The environment variables that choose a port Switchyard listens on. */
export type PortVariable = 'SWITCHYARD_PORT' | 'SWITCHYARD_API_PORT' | 'SWITCHYARD_OPS_PORT' | 'SWITCHYARD_SIMULATOR_PORT';

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
