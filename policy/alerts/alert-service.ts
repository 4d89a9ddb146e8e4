import type { Clock } from '../../core/clock.ts';
import { PeriodicTask } from '../../core/periodic-task.ts';
import type { AlertInstance } from './detect/evaluate-rule.ts';
import { evaluateRule } from './detect/evaluate-rule.ts';
import type { AlertNotifier } from './notify/alert-notifier.ts';
import type { AlertRule } from './rules/alert-rule-schema.ts';
import type { AlertEventStore } from './store/alert-event-store.ts';
import { planWindows } from './source/window-plan.ts';
import type { WindowSource } from './source/window-source.ts';

export interface AlertServiceOptions {
  /** The rules in force: built-in detectors, the routes file's and those stored through GraphQL. */
  rules: () => Promise<AlertRule[]>;
  source: WindowSource;
  events: AlertEventStore;
  notifier: AlertNotifier;
  clock: Clock;
  /** Evaluation period, ms (rollups are per minute: 60 s). */
  evaluationIntervalMs: number;
  /** How often due groups are flushed, ms; bounds how late group_wait and group_interval fire. */
  flushIntervalMs?: number;
  log: (message: string) => void;
  onEvaluated?: (rule: string, ok: boolean) => void;
}

/**
 * Evaluates every rule over the rollups each interval, stores the states with their evidence
 * and hands firing and resolved alerts to the notifier, which flushes on its own, shorter beat.
 * A rule whose query fails keeps its previous states; the others go on.
 */
export class AlertService {
  private active: AlertInstance[] = [];
  private readonly evaluationLoop: PeriodicTask;
  private readonly flushLoop: PeriodicTask;

  constructor(private readonly o: AlertServiceOptions) {
    this.evaluationLoop = new PeriodicTask(
      () => this.evaluate().catch((err: unknown) => o.log(`alerts: evaluation failed: ${(err as Error).message}`)),
      o.evaluationIntervalMs,
    );
    this.flushLoop = new PeriodicTask(
      () => this.flush().catch((err: unknown) => o.log(`alerts: flush failed: ${(err as Error).message}`)),
      o.flushIntervalMs ?? 5_000,
    );
  }

  /** Restores alert states and open notification groups, then starts both loops. */
  async start(): Promise<void> {
    await this.restore();
    this.evaluationLoop.start();
    this.flushLoop.start();
  }

  /** Loads what a previous process left: pending/firing states and groups with firing alerts. */
  async restore(): Promise<void> {
    this.active = await this.o.events.loadActive();
    await this.o.notifier.restore(this.o.clock.now());
  }

  async stop(): Promise<void> {
    await this.evaluationLoop.stop();
    await this.flushLoop.stop();
  }

  /** One evaluation of every rule at `now`; returns the alerts that are not ok (or just became ok). */
  async evaluate(now: number = this.o.clock.now()): Promise<AlertInstance[]> {
    const rules = (await this.o.rules()).filter((r) => r.enabled);
    const names = new Set(rules.map((r) => r.name));
    const out: AlertInstance[] = [];
    for (const rule of rules) {
      const previous = this.active.filter((a) => a.rule === rule.name);
      try {
        const groups = await this.o.source.read(rule, planWindows(rule, now));
        out.push(...evaluateRule(rule, groups, previous, now));
        this.o.onEvaluated?.(rule.name, true);
      } catch (err) {
        this.o.log(`alerts: rule ${rule.name} not evaluated, keeping its states: ${(err as Error).message}`);
        this.o.onEvaluated?.(rule.name, false);
        out.push(...previous);
      }
    }
    // Alerts of rules deleted or disabled since resolve, so no receiver is left with a red group.
    const orphaned = this.active.filter((a) => !names.has(a.rule) && a.state.state === 'firing');
    out.push(...orphaned.map((a) => ({ ...a, state: { ...a.state, state: 'resolved' as const, since: now, evaluatedAt: now, activeSince: null } })));
    const fresh = out.filter((a) => a.state.evaluatedAt === now);
    await this.o.events.record(fresh);
    this.o.notifier.observe(fresh, now);
    this.active = out.filter((a) => a.state.state !== 'ok' && !(a.state.state === 'resolved' && !names.has(a.rule)));
    return out;
  }

  /** Flushes due notification groups at `now`, then any resends operators requested. */
  async flush(now: number = this.o.clock.now()) {
    const sent = await this.o.notifier.flush(now);
    await this.o.notifier.resendRequested(now);
    return sent;
  }

  /** Alerts not ok after the last evaluation. */
  current(): readonly AlertInstance[] {
    return this.active;
  }
}
