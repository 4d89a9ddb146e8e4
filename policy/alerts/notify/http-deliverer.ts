import type { Clock } from '../../../core/clock.ts';
import type { DeliveryTry, NotificationStore } from '../store/notification-store.ts';
import { defaultRetryPolicy, deliverWithRetry, type DeliveryResult, type RetryPolicy } from './deliver-with-retry.ts';
import { postOnce } from './http-try.ts';
import type { Notification } from './notice.ts';
import { IntervalLimiter } from './rate-limiter.ts';
import { redactSecrets, type ResolvedReceiver } from './receiver-secrets.ts';
import { buildSlackMessage } from './slack-message.ts';
import { signedHeaders, webhookBody } from './webhook-payload.ts';

/** Sends one notification to its receiver; the seam the benchmark replaces with a counter. */
export interface Deliverer {
  deliver(n: Notification, receiver: ResolvedReceiver): Promise<DeliveryResult>;
}

export interface HttpDelivererOptions {
  store: NotificationStore;
  receivers: readonly ResolvedReceiver[];
  dashboardUrl: string;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  /** Per try, ms. */
  timeoutMs?: number;
  /** Slack allows one message a second per webhook URL. */
  minIntervalMs?: number;
  random?: () => number;
  log: (message: string) => void;
}

/**
 * Slack and Standard Webhooks delivery over HTTP: every try goes to the delivery log with its
 * outcome, status and latency; details are redacted so no URL or secret is stored or logged.
 */
export class HttpDeliverer implements Deliverer {
  private readonly limiter: IntervalLimiter;

  constructor(private readonly o: HttpDelivererOptions) {
    this.limiter = new IntervalLimiter(o.minIntervalMs ?? 1000, o.clock);
  }

  async deliver(n: Notification, receiver: ResolvedReceiver): Promise<DeliveryResult> {
    const body = receiver.type === 'slack' ? JSON.stringify(buildSlackMessage(n, this.o.dashboardUrl)) : webhookBody(n, this.o.dashboardUrl);
    const now = () => this.o.clock.now();
    const send = () => {
      const headers = receiver.signingSecret ? signedHeaders(n.idempotencyKey, body, receiver.signingSecret, now()) : {};
      return postOnce(receiver.url.reveal(), body, { headers, timeoutMs: this.o.timeoutMs ?? 10_000, requireOkBody: receiver.type === 'slack', now });
    };
    const result = await deliverWithRetry(send, this.o.retry ?? defaultRetryPolicy, {
      limiter: this.limiter,
      limiterKey: receiver.urlId,
      now,
      sleep: this.o.sleep,
      random: this.o.random ?? Math.random,
      onTry: async (tryNo, outcome) => {
        const detail = 'detail' in outcome ? redactSecrets(outcome.detail, this.o.receivers) : '';
        const row: DeliveryTry = {
          triedAt: now(),
          idempotencyKey: n.idempotencyKey,
          receiver: receiver.name,
          receiverType: receiver.type,
          endpointId: receiver.urlId,
          groupKey: n.groupKey,
          tryNo,
          outcome: outcome.kind,
          httpStatus: outcome.status,
          latencyMs: outcome.latencyMs,
          detail,
        };
        if (outcome.kind !== 'delivered')
          this.o.log(
            `alerts: ${receiver.name} try ${tryNo} of ${n.idempotencyKey}: ${outcome.kind}${outcome.status ? ` ${outcome.status}` : ''} ${detail}`.trim(),
          );
        await this.o.store.recordTry(row);
      },
    });
    // The last answer travels on to dead letters and logs: redacted like every try.
    return 'detail' in result.last ? { ...result, last: { ...result.last, detail: redactSecrets(result.last.detail, this.o.receivers) } } : result;
  }
}
