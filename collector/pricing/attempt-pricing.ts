import type { AttemptCostByBucket, AttemptRates } from '../../core/events/attempt-event.ts';
import { formatScaled, picoToUsd, toScaled } from '../../core/money/decimal-usd.ts';
import type { Usage } from '../providers/provider.ts';
import { appliedRates, bucketCostsPico, hourWriteTokens, type PriceSheet, type RateCard } from './price-sheet.ts';

const RATE_DECIMALS = 9;

/** The money fields of one attempt event: what it cost, per bucket, at which rates, and at list price. */
export interface AttemptPricing {
  cost_usd: string;
  cost_by_bucket: AttemptCostByBucket;
  pricing: AttemptRates;
  list_pricing: AttemptRates;
  list_cost_usd: string;
}

/**
 * Prices one attempt exactly; each cache write at the rate of its TTL. `cost_usd` is the sum of the five bucket costs, so a FOCUS row per
 * bucket (unit price × tokens) adds up to the attempt's cost; list cost uses the catalog rates.
 */
export function priceAttempt(usage: Usage, sheet: PriceSheet): AttemptPricing {
  const b = bucketCostsPico(usage, sheet);
  const list = bucketCostsPico(usage, sheet.list);
  return {
    cost_usd: picoToUsd(b.input + b.cachedInput + b.cacheWrite + b.output + b.reasoning),
    cost_by_bucket: {
      input: picoToUsd(b.input),
      cached_input: picoToUsd(b.cachedInput),
      cache_write: picoToUsd(b.cacheWrite),
      output: picoToUsd(b.output),
      reasoning: picoToUsd(b.reasoning),
      // Only on attempts that wrote for an hour, so every other event keeps its exact shape.
      ...(hourWriteTokens(usage) > 0 ? { cache_write_1h: picoToUsd(b.cacheWrite1h) } : {}),
    },
    pricing: rateStrings(usage, sheet),
    list_pricing: rateStrings(usage, sheet.list),
    list_cost_usd: picoToUsd(list.input + list.cachedInput + list.cacheWrite + list.output + list.reasoning),
  };
}

// A rate's 9-decimal text, by the rate as configured: a few dozen values, each formatted once
// rather than 8 times per attempt (parse + format was ~15 µs per attempt, bench/profiles/collector-hot-path.md).
const rateTexts = new Map<number | string, string>();

function text(rate: number | string): string {
  let t = rateTexts.get(rate);
  if (t === undefined) {
    t = formatScaled(toScaled(rate, RATE_DECIMALS), RATE_DECIMALS);
    // Bounded: a process that reloads many distinct price files starts over rather than growing.
    if (rateTexts.size >= 4096) rateTexts.clear();
    rateTexts.set(rate, t);
  }
  return t;
}

/** Applied rates as 9-decimal strings (the precision every rate is parsed at). */
function rateStrings(usage: Usage, card: RateCard): AttemptRates {
  const r = appliedRates(usage, card);
  return {
    input_per_mtok: text(r.input),
    cached_input_per_mtok: text(r.cachedInput),
    cache_write_per_mtok: text(r.cacheWrite),
    output_per_mtok: text(r.output),
    ...(hourWriteTokens(usage) > 0 ? { cache_write_1h_per_mtok: text(r.cacheWrite1h) } : {}),
  };
}
