import type { AttemptTags } from '../../core/events/attempt-event.ts';
import type { BudgetLimitConfig } from '../config/routes-config.ts';
import type { Headroom } from './headroom.ts';
import { fullBucket, refilled, settle, take, usdToNano, waitForMs, type BucketRule, type BucketState } from './cost-bucket.ts';

const PERIOD_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Buckets per wildcard limit; beyond it, full buckets (indistinguishable from fresh ones) are forgotten. */
const MAX_BUCKETS_PER_LIMIT = 10_000;

export interface BudgetLimit {
  config: BudgetLimitConfig;
  rule: BucketRule;
}

export function toBudgetLimit(config: BudgetLimitConfig): BudgetLimit {
  const capacityUsd = config.burst_usd ?? config.limit_usd;
  return { config, rule: { capacity: usdToNano(capacityUsd), refillPerMs: usdToNano(config.limit_usd) / PERIOD_MS[config.per] } };
}

/** One bucket a request draws on: which limit, and whose (`team:payments`). */
interface BucketRef {
  limit: BudgetLimit;
  /** Map key: limit position and scope value, so two limits on one team keep separate buckets. */
  key: string;
  label: string;
}

export interface Reservation {
  buckets: BucketRef[];
  /** Nanodollars held in every one of the buckets. */
  amount: number;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; limitedBy: string; limit: BudgetLimit; waitMs: number };

const scopeValue = (tags: AttemptTags, scope: BudgetLimitConfig['scope']): string => (scope === 'key' ? tags.api_key_id : tags[scope]);

/**
 * The shim's local spend buckets per key, team and project. A reservation takes the same
 * amount from every bucket that applies, or from none: all levels are checked before any is
 * touched, and nothing awaits in between, so concurrent requests cannot interleave.
 */
export class BudgetLedger {
  private limits: BudgetLimit[];
  private readonly states = new Map<string, BucketState>();

  constructor(limits: BudgetLimitConfig[]) {
    this.limits = limits.map(toBudgetLimit);
  }

  /** New limits from a config reload (later: from the policy engine). Buckets of unchanged limits keep their levels. */
  replaceLimits(limits: BudgetLimitConfig[]): void {
    const before = new Map(this.limits.map((l, i) => [i, JSON.stringify(l.config)]));
    this.limits = limits.map(toBudgetLimit);
    for (const key of [...this.states.keys()]) {
      const index = Number(key.slice(0, key.indexOf('|')));
      if (before.get(index) !== JSON.stringify(this.limits[index]?.config)) this.states.delete(key);
    }
  }

  /** Whether any limit applies to a request with these tags. */
  applies(tags: AttemptTags): boolean {
    return this.bucketsFor(tags).length > 0;
  }

  tryReserve(tags: AttemptTags, amount: number, nowMs: number): ReserveResult {
    const buckets = this.bucketsFor(tags);
    let worst: { ref: BucketRef; waitMs: number } | null = null;
    for (const ref of buckets) {
      const waitMs = waitForMs(this.state(ref, nowMs), ref.limit.rule, amount);
      if (waitMs > 0 && (!worst || waitMs > worst.waitMs)) worst = { ref, waitMs };
    }
    if (worst) return { ok: false, limitedBy: worst.ref.label, limit: worst.ref.limit, waitMs: worst.waitMs };
    for (const ref of buckets) this.states.set(ref.key, take(this.state(ref, nowMs), amount));
    this.evictFull(nowMs);
    return { ok: true, reservation: { buckets, amount } };
  }

  /** Replaces the reservation with what the attempt really cost. */
  settle(reservation: Reservation, actual: number, nowMs: number): void {
    for (const ref of reservation.buckets) {
      // A bucket dropped by a reload meanwhile is not recreated.
      if (!this.states.has(ref.key)) continue;
      this.states.set(ref.key, settle(this.state(ref, nowMs), ref.limit.rule, reservation.amount, actual));
    }
  }

  /** Dollars left per bucket, for metrics and the API. */
  levels(nowMs: number): Array<{ bucket: string; availableUsd: number; capacityUsd: number }> {
    const out: Array<{ bucket: string; availableUsd: number; capacityUsd: number }> = [];
    for (const [key, state] of this.states) {
      const limit = this.limits[Number(key.slice(0, key.indexOf('|')))];
      if (!limit) continue;
      out.push({
        bucket: key.slice(key.indexOf('|') + 1),
        availableUsd: refilled(state, limit.rule, nowMs).level / 1e9,
        capacityUsd: limit.rule.capacity / 1e9,
      });
    }
    return out;
  }

  /** What is left, now, in every bucket this request draws on (the headroom response headers name the tightest of). */
  headroom(tags: AttemptTags, nowMs: number): Headroom[] {
    return this.bucketsFor(tags).map((ref) => {
      const { rule, config } = ref.limit;
      const level = Math.max(0, this.state(ref, nowMs).level);
      return {
        id: `rolling:${config.scope}:${config.per}`,
        limitNano: rule.capacity,
        remainingNano: level,
        // A rolling bucket has no period: it "resets" when it is full again.
        resetMs: nowMs + Math.ceil((rule.capacity - level) / rule.refillPerMs),
      };
    });
  }

  private bucketsFor(tags: AttemptTags): BucketRef[] {
    const refs: BucketRef[] = [];
    this.limits.forEach((limit, i) => {
      const value = scopeValue(tags, limit.config.scope);
      if (!value || (limit.config.id !== '*' && limit.config.id !== value)) return;
      const label = `${limit.config.scope}:${value}`;
      refs.push({ limit, key: `${i}|${label}`, label });
    });
    return refs;
  }

  private state(ref: BucketRef, nowMs: number): BucketState {
    const current = this.states.get(ref.key);
    return current ? refilled(current, ref.limit.rule, nowMs) : fullBucket(ref.limit.rule, nowMs);
  }

  private evictFull(nowMs: number): void {
    if (this.states.size <= MAX_BUCKETS_PER_LIMIT * Math.max(1, this.limits.length)) return;
    for (const [key, state] of this.states) {
      const limit = this.limits[Number(key.slice(0, key.indexOf('|')))];
      if (!limit || refilled(state, limit.rule, nowMs).level >= limit.rule.capacity) this.states.delete(key);
    }
  }
}
