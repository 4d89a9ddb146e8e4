import { Webhook } from 'standardwebhooks';
import type { Notification, NoticeAlert } from './notice.ts';
import { dashboardLink } from './notice-text.ts';
import type { Secret } from './receiver-secrets.ts';

/** The JSON body of a generic webhook notification (version 1). */
export function webhookBody(n: Notification, dashboardUrl: string): string {
  const alert = (a: NoticeAlert) => ({
    fingerprint: a.fingerprint,
    status: a.status,
    labels: a.labels,
    starts_at: new Date(a.startsAt).toISOString(),
    ends_at: a.endsAt === null ? null : new Date(a.endsAt).toISOString(),
    evidence: a.evidence,
  });
  return JSON.stringify({
    type: 'switchyard.alert.notification',
    version: 1,
    id: n.idempotencyKey,
    receiver: n.receiver,
    status: n.firing.length > 0 ? 'firing' : 'resolved',
    reason: n.reason,
    group_key: n.groupKey,
    group_labels: n.groupLabels,
    alerts: [...n.firing, ...n.resolved].map(alert),
    dashboard_url: dashboardLink(dashboardUrl, n),
  });
}

/**
 * Standard Webhooks headers (standardwebhooks.com): `webhook-id` is the idempotency key, the
 * same on every retry so receivers can drop duplicates; the signature is HMAC-SHA256 over
 * `id.timestamp.body`, made per try since the timestamp is the try's.
 */
export function signedHeaders(id: string, body: string, secret: Secret, nowMs: number): Record<string, string> {
  const at = new Date(Math.floor(nowMs / 1000) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': new Webhook(secret.reveal()).sign(id, at, body),
  };
}
