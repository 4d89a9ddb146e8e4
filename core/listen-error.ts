import { ConfigError } from './errors.ts';

/** Listen errors that mean the host setting names no address of this machine. */
const HOST_ERRORS = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/**
 * A server's listen error as the user must see it: a taken port is a ConfigError naming the
 * setting that chooses the port, a host that is not an address of this machine one naming the
 * host's setting; anything else as it came.
 *
 * @param settings what the user sets for each: an environment variable (`SWITCHYARD_PORT`) or a
 *   command-line flag (`--port`)
 */
export function listenError(err: NodeJS.ErrnoException, host: string, port: number, settings: { port: string; host: string }): Error {
  if (err.code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is already in use; choose another with ${settings.port}`);
  if (err.code && HOST_ERRORS.has(err.code))
    return new ConfigError(`cannot listen on ${JSON.stringify(host)} (${err.code}): not an address of this machine; choose another with ${settings.host}`);
  return err;
}
