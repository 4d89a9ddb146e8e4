import type { Notification, NoticeAlert } from './notice.ts';
import { dashboardLink, describeEvidence, describeLabels, noticeTitle } from './notice-text.ts';

/** Slack's Block Kit limits (api.slack.com/reference/block-kit): per message and per element. */
export const SLACK_LIMITS = { blocks: 50, headerChars: 150, sectionChars: 3000, textChars: 3000 } as const;

/** Alerts listed one section each; the rest are counted in a context line, so a storm fits one message. */
const MAX_ALERT_SECTIONS = 20;

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** A Block Kit message for one notification: header, one section per alert, a dashboard button. */
export function buildSlackMessage(n: Notification, dashboardUrl: string): SlackMessage {
  const title = noticeTitle(n);
  const link = dashboardLink(dashboardUrl, n);
  const alerts = [...n.firing, ...n.resolved];
  const shown = alerts.slice(0, MAX_ALERT_SECTIONS);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerChars), emoji: true } },
    ...shown.map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(alertLine(a), SLACK_LIMITS.sectionChars) } })),
  ];
  if (alerts.length > shown.length)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${alerts.length - shown.length} more alerts in this group` }] });
  blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open dashboard' }, url: link }] });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${n.reason} · ${n.idempotencyKey}` }] });
  const text = clip(`${title}\n${alerts.map((a) => `${a.status === 'firing' ? '🔴' : '✅'} ${plainLine(a)}`).join('\n')}\n${link}`, SLACK_LIMITS.textChars);
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

function alertLine(a: NoticeAlert): string {
  const icon = a.status === 'firing' ? ':red_circle:' : ':white_check_mark:';
  const since = new Date(a.status === 'firing' ? a.startsAt : (a.endsAt ?? a.startsAt)).toISOString().slice(0, 16).replace('T', ' ');
  return `${icon} *${escape(a.labels.alertname ?? '')}* ${escape(describeLabels(a.labels))} (${a.labels.severity})\n${escape(describeEvidence(a))}\n${a.status} since ${since} UTC`;
}

function plainLine(a: NoticeAlert): string {
  return `${a.labels.alertname} ${describeLabels(a.labels)}: ${describeEvidence(a)}`;
}

/** Slack mrkdwn control characters. */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
