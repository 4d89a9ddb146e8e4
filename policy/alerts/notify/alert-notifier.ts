import type { AlertInstance } from '../detect/evaluate-rule.ts';
import type { AlertRouteConfig } from '../rules/alerts-config.ts';
import type { MuteStore } from '../store/mute-store.ts';
import type { NotificationStore } from '../store/notification-store.ts';
import { AggregationGroups, type AggregationGroup } from './aggregation-groups.ts';
import type { Deliverer } from './http-deliverer.ts';
import { idempotencyKey, needsUpdate, type NotifiedEntry } from './needs-update.ts';
import { alertLabels, toNotice, type Notification } from './notice.ts';
import type { ResolvedReceiver } from './receiver-secrets.ts';
import { isSilenced } from './silences.ts';
import { foldedIntoIncident } from './incident-settle.ts';

/** What became of a due group at one flush; counted on /metrics. */
export type FlushOutcome = 'delivered' | 'dead_letter' | 'silenced' | 'unchanged' | 'already_delivered';

export interface AlertNotifierOptions {
  route: AlertRouteConfig;
  receivers: readonly ResolvedReceiver[];
  /** A rule's own receivers; undefined: the route's. */
  ruleReceivers: (rule: string) => readonly string[] | undefined;
  store: NotificationStore;
  mutes: MuteStore;
  deliverer: Deliverer;
  onOutcome?: (outcome: FlushOutcome, receiver: string) => void;
  log: (message: string) => void;
}

/**
 * Alertmanager's notification pipeline over our alerts: group per receiver, wait, mute silenced
 * alerts, decide from the notification log, deliver, log. Each due group yields at most one
 * notification; its idempotency key makes a retry or a restart resend nothing already delivered.
 */
export class AlertNotifier {
  private readonly groups: AggregationGroups;
  private readonly byName: Map<string, ResolvedReceiver>;

  constructor(private readonly o: AlertNotifierOptions) {
    this.groups = new AggregationGroups({
      groupBy: o.route.group_by,
      groupWaitMs: o.route.group_wait,
      groupIntervalMs: o.route.group_interval,
      pendingHoldMs: o.route.pending_hold,
    });
    this.byName = new Map(o.receivers.map((r) => [r.name, r]));
  }

  /** After a restart: groups whose last notice left alerts firing come back, due after group_wait. */
  async restore(now: number): Promise<void> {
    for (const g of await this.o.store.openGroups()) {
      if (this.byName.has(g.receiver)) this.groups.restore(g.groupKey, g.receiver, g.groupLabels, g.alerts, now + this.o.route.group_wait);
    }
  }

  /**
   * Puts firing and just-resolved alerts into their receivers' groups, and marks the groups with
   * a pending alert (`instances` is every alert that is not ok after one evaluation).
   */
  observe(instances: readonly AlertInstance[], now: number): void {
    for (const a of instances) {
      const notice = toNotice(a);
      if (!notice) continue;
      for (const receiver of this.o.ruleReceivers(a.rule) ?? this.o.route.receivers) {
        if (this.byName.has(receiver)) this.groups.upsert(receiver, notice, now);
      }
    }
    const pending = new Set<string>();
    for (const a of instances) {
      if (a.state.state !== 'pending') continue;
      for (const receiver of this.o.ruleReceivers(a.rule) ?? this.o.route.receivers) pending.add(this.groups.keyOf(receiver, alertLabels(a)).key);
    }
    this.groups.setPending(pending);
  }

  /** Flushes every due group; returns the notifications delivered. */
  async flush(now: number): Promise<Notification[]> {
    const sent: Notification[] = [];
    const silences = await this.o.mutes.silences(now);
    const acks = await this.o.mutes.acknowledgements();
    for (const group of this.groups.due(now)) {
      const outcome = await this.flushGroup(group, now, silences, acks, sent);
      this.o.onOutcome?.(outcome, group.receiver);
    }
    return sent;
  }

  /**
   * Sends a dead letter again, as it was (same idempotency key, so a webhook receiver can drop
   * a copy it already has). Returns the outcome recorded on the dead letter.
   */
  async resend(key: string, now: number): Promise<string> {
    const dead = (await this.o.store.deadLetters(1000)).find((d) => d.idempotencyKey === key);
    if (!dead) return 'unknown';
    const receiver = this.byName.get(dead.receiver);
    if (!receiver) return 'receiver_gone';
    const result = await this.o.deliverer.deliver(dead.notification, receiver);
    const outcome = result.delivered ? 'delivered' : `${result.gaveUp}: ${result.last.kind}${result.last.status ? ` ${result.last.status}` : ''}`;
    await this.o.store.recordDeadLetter({ ...dead, resentAt: now, resendOutcome: outcome });
    this.o.onOutcome?.(result.delivered ? 'delivered' : 'dead_letter', receiver.name);
    return outcome;
  }

  /** Resends the dead letters an operator asked for through the API (resend_outcome = requested). */
  async resendRequested(now: number): Promise<void> {
    for (const d of await this.o.store.deadLetters(1000)) {
      if (d.resendOutcome === 'requested') await this.resend(d.idempotencyKey, now);
    }
  }

  /** Groups currently held (for tests and the service's status). */
  get groupCount(): number {
    return this.groups.size;
  }

  private async flushGroup(
    group: AggregationGroup,
    now: number,
    silences: Awaited<ReturnType<MuteStore['silences']>>,
    acks: Awaited<ReturnType<MuteStore['acknowledgements']>>,
    sent: Notification[],
  ): Promise<FlushOutcome> {
    const receiver = this.byName.get(group.receiver)!;
    const all = [...group.alerts.values()];
    const resolvedAll = new Set(all.filter((a) => a.status === 'resolved').map((a) => a.fingerprint));
    const audible = all.filter((a) => !isSilenced(a.labels, silences, now));
    if (audible.length === 0) {
      this.groups.flushed(group, resolvedAll, now);
      return 'silenced';
    }
    const firing = audible.filter((a) => a.status === 'firing');
    // A notify_once alert's end is not news: it leaves quietly, as if the receiver never knew it.
    const quiet = new Set(audible.filter((a) => a.status === 'resolved' && a.once).map((a) => a.fingerprint));
    const resolved = audible.filter((a) => a.status === 'resolved' && !a.once);
    const firingSet = new Set(firing.map((a) => a.fingerprint));
    const resolvedSet = new Set(resolved.map((a) => a.fingerprint));
    // Acknowledged alerts and notify_once alerts are never repeated.
    const acknowledged = new Set(
      firing.filter((a) => a.once || acks.some((k) => k.fingerprint === a.fingerprint && k.episodeStart === a.startsAt)).map((a) => a.fingerprint),
    );
    const logged = await this.o.store.lastEntry(receiver.name, group.key);
    const entry = logged && { ...logged, firing: logged.firing.filter((f) => !quiet.has(f)) };
    const folded = foldedIntoIncident(entry, audible, this.o.route.incident_settle, group.folded);
    for (const f of folded) group.folded.add(f);
    const reason = needsUpdate(entry, firingSet, resolvedSet, {
      sendResolved: receiver.sendResolved,
      partialResolved: this.o.route.partial_resolved,
      repeatMs: this.o.route.repeat_interval,
      now,
      acknowledged,
      folded,
    });
    if (reason === null) {
      // Alerts the receiver knew firing, or folded into its incident, stay in the group once
      // resolved, so the all clear names them.
      const known = new Set([...(entry?.firing ?? []), ...group.folded]);
      const told = firing.length > 0 ? new Set([...resolvedAll].filter((f) => !known.has(f))) : resolvedAll;
      this.groups.flushed(group, told, now);
      return 'unchanged';
    }
    const key = idempotencyKey(receiver.name, group.key, [...firingSet], [...resolvedSet], entry?.notifiedAt ?? null);
    const n: Notification = {
      idempotencyKey: key,
      receiver: receiver.name,
      groupKey: group.key,
      groupLabels: group.labels,
      firing,
      resolved: receiver.sendResolved || firing.length === 0 ? resolved : [],
      reason,
      createdAt: now,
    };
    const next: NotifiedEntry = { firing: [...firingSet], resolved: [...resolvedSet], notifiedAt: now, idempotencyKey: key };
    if (entry?.idempotencyKey !== key && (await this.o.store.wasDelivered(key))) {
      // Delivered before a crash that kept the log entry from being written: log it now, send nothing.
      await this.o.store.recordNotified(n, next);
      this.groups.flushed(group, resolvedAll, now);
      return 'already_delivered';
    }
    const result = await this.o.deliverer.deliver(n, receiver);
    if (result.delivered) {
      await this.o.store.recordNotified(n, next);
      this.groups.flushed(group, resolvedAll, now);
      sent.push(n);
      return 'delivered';
    }
    const last = result.last;
    const detail = 'detail' in last ? ` ${last.detail}` : '';
    await this.o.store.recordDeadLetter({
      idempotencyKey: key,
      deadAt: now,
      receiver: receiver.name,
      groupKey: group.key,
      reason: `${result.gaveUp}: ${last.kind}${last.status ? ` ${last.status}` : ''}${detail}`.slice(0, 500),
      tries: result.tries,
      notification: n,
      resentAt: null,
      resendOutcome: '',
    });
    this.o.log(
      `alerts: notification ${key} to ${receiver.name} is a dead letter after ${result.tries} tries (${result.gaveUp}); the group is tried again next interval`,
    );
    this.groups.retryLater(group, now);
    return 'dead_letter';
  }
}
