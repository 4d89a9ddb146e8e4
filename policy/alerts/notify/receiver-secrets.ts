import { inspect } from 'node:util';
import { ConfigError } from '../../../core/errors.ts';
import type { ReceiverConfig } from '../rules/alerts-config.ts';

const REDACTED = '[redacted]';

/**
 * A credential (a webhook URL, a signing secret) that prints as `[redacted]` everywhere —
 * String(), JSON, util.inspect, template strings — so it cannot slip into a log line by accident.
 * Only `reveal()` gives the value, at the moment of the HTTP call or the signature.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** A receiver ready to send: its URL and signing secret read from the environment. */
export interface ResolvedReceiver {
  name: string;
  type: 'slack' | 'webhook';
  url: Secret;
  /** Standard Webhooks secret (`whsec_…` base64); webhooks only. */
  signingSecret: Secret | null;
  sendResolved: boolean;
  /** Short SHA-256 of the URL, to tell receivers' endpoints apart in logs without showing them. */
  urlId: string;
}

/** Reads each receiver's URL and secret from the named variables; errors name the variable, never a value. */
export function resolveReceivers(configs: readonly ReceiverConfig[], env: Record<string, string | undefined>, hash: (s: string) => string): ResolvedReceiver[] {
  return configs.map((c) => {
    const url = env[c.url_env];
    if (!url) throw new ConfigError(`alerts receiver "${c.name}": environment variable ${c.url_env} (its URL) is not set`);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new ConfigError(`alerts receiver "${c.name}": ${c.url_env} does not hold an http(s) URL`);
    let signingSecret: Secret | null = null;
    if (c.type === 'webhook') {
      const secret = env[c.secret_env];
      if (!secret) throw new ConfigError(`alerts receiver "${c.name}": environment variable ${c.secret_env} (its signing secret) is not set`);
      if (!/^(whsec_)?[A-Za-z0-9+/]{32,}={0,2}$/.test(secret))
        throw new ConfigError(`alerts receiver "${c.name}": ${c.secret_env} must be a base64 secret of at least 24 bytes, optionally prefixed whsec_`);
      signingSecret = new Secret(secret);
    }
    return { name: c.name, type: c.type, url: new Secret(url), signingSecret, sendResolved: c.send_resolved, urlId: hash(url).slice(0, 12) };
  });
}

/** Removes every receiver URL (and its path alone) and secret from a text bound for a log, an error or the API. */
export function redactSecrets(text: string, receivers: readonly ResolvedReceiver[]): string {
  let out = text;
  for (const r of receivers) {
    const url = r.url.reveal();
    const candidates = [url, safePath(url), r.signingSecret?.reveal() ?? ''].filter((s) => s.length >= 8);
    for (const s of candidates) out = out.split(s).join(REDACTED);
  }
  return out;
}

function safePath(url: string): string {
  try {
    const { pathname, search } = new URL(url);
    return pathname.length > 1 ? pathname + search : '';
  } catch {
    return '';
  }
}
