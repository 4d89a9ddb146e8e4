import type { AlertInstance } from '../detect/evaluate-rule.ts';
import type { Evidence } from '../detect/evidence.ts';

/** An alert as a receiver sees it: firing, or resolved since the last notice. Times are epoch ms. */
export interface NoticeAlert {
  fingerprint: string;
  /** alertname, severity and the rule's group labels. */
  labels: Record<string, string>;
  status: 'firing' | 'resolved';
  startsAt: number;
  /** When it resolved; null while firing. */
  endsAt: number | null;
  evidence: Evidence | null;
  /** From a notify_once rule: never repeated, and its resolution is not news. */
  once?: boolean;
}

/** One notification for one group and one receiver: what changed, and its idempotency key. */
export interface Notification {
  /** Hash of receiver, group and content: the same content is never sent twice for one group. */
  idempotencyKey: string;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  firing: NoticeAlert[];
  resolved: NoticeAlert[];
  /** Repeats re-send unchanged content after repeat_interval. */
  reason: 'new' | 'changed' | 'resolved' | 'repeat';
  createdAt: number;
}

/** The labels an alert is grouped and silenced by. */
export function alertLabels(a: Pick<AlertInstance, 'rule' | 'severity' | 'group'>): Record<string, string> {
  return { alertname: a.rule, severity: a.severity, ...a.group };
}

/** An evaluated alert (firing or just resolved) as a notice; null for states receivers never see. */
export function toNotice(a: AlertInstance): NoticeAlert | null {
  const s = a.state;
  const once = a.notifyOnce ? { once: true } : {};
  if (s.state === 'firing')
    return {
      fingerprint: a.fingerprint,
      labels: alertLabels(a),
      status: 'firing',
      startsAt: s.activeSince ?? s.since,
      endsAt: null,
      evidence: s.evidence,
      ...once,
    };
  if (s.state === 'resolved')
    return { fingerprint: a.fingerprint, labels: alertLabels(a), status: 'resolved', startsAt: s.since, endsAt: s.since, evidence: s.evidence, ...once };
  return null;
}
