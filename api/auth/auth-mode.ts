import { isIP } from 'node:net';
import { ConfigError } from '../../core/errors.ts';
import { loadApiTokens, type ApiTokenConfig } from './api-tokens-config.ts';

export interface AuthMode {
  tokens: ApiTokenConfig[];
  /** No tokens configured: every caller is the anonymous admin (loopback only). */
  open: boolean;
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The no-token default. A newcomer's `npm start` must keep working without any setup, so with no
 * tokens file the API answers everyone as admin — but only on a loopback address, where only this
 * machine's users can reach it, and it says so at startup. On any other address it refuses to
 * start: an open API there would hand every team's spend to the network.
 * @throws ConfigError on a non-loopback host without tokens, or an invalid tokens file
 */
export function resolveAuthMode(options: { tokensFile?: string; host: string; log: (message: string) => void }): AuthMode {
  if (options.tokensFile) {
    const tokens = loadApiTokens(options.tokensFile);
    if (tokens.length > 0) return { tokens, open: false };
  }
  if (!isLoopback(options.host)) {
    throw new ConfigError(
      `the API would be open to the network on ${options.host}: set SWITCHYARD_API_TOKENS to a tokens file (see README, "API"), or listen on 127.0.0.1`,
    );
  }
  options.log(
    'api: WARNING no API tokens configured (SWITCHYARD_API_TOKENS): every caller on this machine is admin; fine for a laptop, never for a shared host',
  );
  return { tokens: [], open: true };
}
