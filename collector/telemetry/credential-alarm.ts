import type { Clock } from '../../core/clock.ts';
import type { AttemptEvent } from '../../core/events/attempt-event.ts';

/** How often one deployment's rejected credentials are logged again while they keep failing, ms. */
export const CREDENTIAL_ALARM_INTERVAL_MS = 5 * 60_000;

/**
 * Watches attempt events for a provider refusing our deployment's credentials (error class
 * `auth`: HTTP 401/403 from the provider) and logs it for the operator — the client only gets a
 * 502 `upstream_auth_error` that names no deployment, on purpose. At most one line per
 * deployment per `intervalMs`, with the count since the last line. Never logs a key.
 */
export function credentialAlarm(log: (message: string) => void, clock: Clock, intervalMs = CREDENTIAL_ALARM_INTERVAL_MS): (event: AttemptEvent) => void {
  const last = new Map<string, { atMs: number; since: number }>();
  return (event) => {
    if (event.error_class !== 'auth') return;
    const now = clock.now();
    const key = `${event.route}\u0000${event.deployment}`;
    const seen = last.get(key);
    if (seen && now - seen.atMs < intervalMs) {
      seen.since++;
      return;
    }
    const repeats = seen ? ` (${seen.since + 1} refusals since the last notice)` : '';
    last.set(key, { atMs: now, since: 0 });
    log(
      `collector: provider ${event.provider} rejected the credentials of deployment ${event.deployment} (route ${event.route}, HTTP ${event.http_status ?? '?'})${repeats}; check the key its api_key_env names`,
    );
  };
}
