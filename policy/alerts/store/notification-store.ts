import type { NotifiedEntry } from '../notify/needs-update.ts';
import type { Notification, NoticeAlert } from '../notify/notice.ts';

/** One HTTP try of one notification, as the delivery log keeps it. No URL, no secret. */
export interface DeliveryTry {
  triedAt: number;
  idempotencyKey: string;
  receiver: string;
  receiverType: 'slack' | 'webhook';
  /** Short hash of the URL. */
  endpointId: string;
  groupKey: string;
  tryNo: number;
  outcome: 'delivered' | 'rate_limited' | 'retryable' | 'rejected';
  httpStatus: number | null;
  latencyMs: number;
  /** Redacted. */
  detail: string;
}

/** A notification that could not be delivered, kept for an operator to read and resend. */
export interface DeadLetter {
  idempotencyKey: string;
  deadAt: number;
  receiver: string;
  groupKey: string;
  reason: string;
  tries: number;
  notification: Notification;
  resentAt: number | null;
  resendOutcome: string;
}

/** A group whose last notice left firing alerts: restored into the aggregation groups after a restart. */
export interface OpenGroup {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  entry: NotifiedEntry;
  alerts: NoticeAlert[];
}

/**
 * The notifier's memory that must outlive the process: the notification log (what each
 * receiver last heard per group), the delivery log and the dead letters.
 */
export interface NotificationStore {
  lastEntry(receiver: string, groupKey: string): Promise<NotifiedEntry | null>;
  openGroups(): Promise<OpenGroup[]>;
  /** After a delivery (or a decision that none was needed for resolved alerts): what the receiver now knows. */
  recordNotified(n: Notification, entry: NotifiedEntry): Promise<void>;
  /** True when a try of this key was delivered: a notification is never sent twice. */
  wasDelivered(idempotencyKey: string): Promise<boolean>;
  recordTry(t: DeliveryTry): Promise<void>;
  recordDeadLetter(d: DeadLetter): Promise<void>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  deliveries(filter: { receiver?: string; sinceMs: number; limit: number }): Promise<DeliveryTry[]>;
}
