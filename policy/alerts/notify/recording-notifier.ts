import type { AlertRouteConfig } from '../rules/alerts-config.ts';
import { MemoryNotificationStore } from '../store/memory-notification-store.ts';
import { MemoryMuteStore } from '../store/mute-store.ts';
import { AlertNotifier } from './alert-notifier.ts';
import type { Deliverer } from './http-deliverer.ts';
import type { Notification } from './notice.ts';
import { Secret } from './receiver-secrets.ts';

/**
 * A notifier on memory stores whose one receiver (`ops`, Slack-typed, resolved notices on)
 * records every notification instead of sending it: the benchmark's and the grouping tests'.
 */
export function recordingNotifier(route: AlertRouteConfig): { notifier: AlertNotifier; sent: Notification[] } {
  const sent: Notification[] = [];
  const deliverer: Deliverer = {
    deliver: async (n) => (sent.push(n), { delivered: true, tries: 1, last: { kind: 'delivered', status: 200, latencyMs: 0 }, gaveUp: null }),
  };
  const notifier = new AlertNotifier({
    route: { ...route, receivers: ['ops'] },
    receivers: [{ name: 'ops', type: 'slack', url: new Secret('http://ops.invalid/'), signingSecret: null, sendResolved: true, urlId: 'ops' }],
    ruleReceivers: () => undefined,
    store: new MemoryNotificationStore(),
    mutes: new MemoryMuteStore(),
    deliverer,
    log: () => {},
  });
  return { notifier, sent };
}
