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
  if (err.code === 'EADDRINUSE') return portsInUseError(host, [{ port, setting: settings.port }]);
  if (err.code && HOST_ERRORS.has(err.code))
    return new ConfigError(`cannot listen on ${JSON.stringify(host)} (${err.code}): not an address of this machine; choose another with ${settings.host}`);
  return err;
}

/**
 * Ports found taken on `host`, each named with the setting that chooses it, as one ConfigError:
 * the user changes them all before the next start.
 */
export function portsInUseError(host: string, taken: ReadonlyArray<{ port: number; setting: string }>): ConfigError {
  if (taken.length === 1) return new ConfigError(`port ${taken[0]!.port} on ${host} is already in use; choose another with ${taken[0]!.setting}`);
  const named = taken.map((t) => `port ${t.port} (${t.setting})`);
  return new ConfigError(`${named.slice(0, -1).join(', ')} and ${named.at(-1)!} on ${host} are already in use; choose others with those settings`);
}
