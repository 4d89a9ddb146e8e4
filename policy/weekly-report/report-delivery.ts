import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { defaultRetryPolicy, deliverWithRetry, type DeliveryResult, type RetryPolicy } from '../alerts/notify/deliver-with-retry.ts';
import { postOnce } from '../alerts/notify/http-try.ts';
import { IntervalLimiter } from '../alerts/notify/rate-limiter.ts';
import { redactSecrets, type ResolvedReceiver } from '../alerts/notify/receiver-secrets.ts';
import { signedHeaders } from '../alerts/notify/webhook-payload.ts';
import { summaryLines } from './report-summary.ts';
import type { WeeklyReport } from './weekly-report.ts';

export interface SummaryDeliveryOptions {
  receivers: readonly ResolvedReceiver[];
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  retry?: RetryPolicy;
  log: (message: string) => void;
}

/** Slack: a header, the summary and the link, within Block Kit's limits (a few short lines). */
function slackBody(r: WeeklyReport, link: string): string {
  const lines = summaryLines(r);
  const title = `Switchyard weekly report ${r.week}`;
  return JSON.stringify({
    text: `${title}: ${lines[0]} — ${link}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'section', text: { type: 'mrkdwn', text: lines.map((l) => `• ${l}`).join('\n') } },
      { type: 'section', text: { type: 'mrkdwn', text: `<${link}|Full report>` } },
    ],
  });
}

/** Standard Webhooks payload: type, week, the summary and the link. */
function webhookBody(r: WeeklyReport, link: string, id: string, nowMs: number): string {
  return JSON.stringify({
    type: 'switchyard.weekly_report',
    timestamp: new Date(nowMs).toISOString(),
    data: { id, week: r.week, summary: summaryLines(r), url: link, total_cost_usd: r.cost.totalUsd },
  });
}

/**
 * Sends the report's summary with a link to every receiver of the alerts configuration, with
 * the alerts' delivery code (bounded retry, Retry-After, one message a second per URL, Standard
 * Webhooks signatures). The idempotency id is per week, so a receiver can drop a repeat.
 * Never throws; a failure is logged without URL or secret.
 */
export async function deliverSummary(r: WeeklyReport, link: string, o: SummaryDeliveryOptions): Promise<Array<{ receiver: string; result: DeliveryResult }>> {
  const limiter = new IntervalLimiter(1000, o.clock);
  const id = `report_${createHash('sha256').update(r.week).digest('hex').slice(0, 24)}`;
  const now = () => o.clock.now();
  const results: Array<{ receiver: string; result: DeliveryResult }> = [];
  for (const receiver of o.receivers) {
    const body = receiver.type === 'slack' ? slackBody(r, link) : webhookBody(r, link, id, now());
    const send = () =>
      postOnce(receiver.url.reveal(), body, {
        headers: receiver.signingSecret ? signedHeaders(id, body, receiver.signingSecret, now()) : {},
        timeoutMs: 10_000,
        requireOkBody: receiver.type === 'slack',
        now,
      });
    const result = await deliverWithRetry(send, o.retry ?? defaultRetryPolicy, {
      limiter,
      limiterKey: receiver.urlId,
      now,
      sleep: o.sleep,
      random: Math.random,
      onTry: () => {},
    });
    if (!result.delivered)
      o.log(
        `report: summary of ${r.week} to ${receiver.name} not delivered after ${result.tries} tries: ${redactSecrets('detail' in result.last ? result.last.detail : result.last.kind, o.receivers)}`,
      );
    results.push({ receiver: receiver.name, result });
  }
  return results;
}
