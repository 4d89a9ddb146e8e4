/**
 * A cost-aware token bucket: it holds dollars (as nanodollars), not requests. It refills
 * continuously up to its capacity; a reservation takes the worst-case cost of an attempt and a
 * settlement gives back what the attempt did not spend. Pure: state and time in, state out.
 */

export interface BucketRule {
  /** Most the bucket holds, nanodollars: the burst a tenant may spend at once. */
  capacity: number;
  /** Nanodollars added per millisecond: the sustained spend rate. */
  refillPerMs: number;
}

export interface BucketState {
  /** Nanodollars available; negative when settled spend exceeded what was reserved. */
  level: number;
  atMs: number;
}

export const fullBucket = (rule: BucketRule, nowMs: number): BucketState => ({ level: rule.capacity, atMs: nowMs });

export function refilled(state: BucketState, rule: BucketRule, nowMs: number): BucketState {
  const elapsed = Math.max(0, nowMs - state.atMs);
  return { level: Math.min(rule.capacity, state.level + elapsed * rule.refillPerMs), atMs: Math.max(state.atMs, nowMs) };
}

/** Milliseconds until the bucket holds `amount`; 0 when it already does, Infinity when it never can. */
export function waitForMs(state: BucketState, rule: BucketRule, amount: number): number {
  if (state.level >= amount) return 0;
  if (amount > rule.capacity || rule.refillPerMs <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((amount - state.level) / rule.refillPerMs);
}

export const take = (state: BucketState, amount: number): BucketState => ({ ...state, level: state.level - amount });

/** Returns the unspent part of a reservation (or takes the overspend when actual > reserved). */
export const settle = (state: BucketState, rule: BucketRule, reserved: number, actual: number): BucketState => ({
  ...state,
  level: Math.min(rule.capacity, state.level + reserved - actual),
});

/** USD as nanodollars. Budgets need no finer grain; exact cost stays on the event. */
export const usdToNano = (usd: number | string): number => Math.round(Number(usd) * 1e9);
export const picoToNano = (pico: bigint): number => Number(pico) / 1000;
export const nanoToUsd = (nano: number): string => (Math.max(0, Math.round(nano)) / 1e9).toFixed(9);
