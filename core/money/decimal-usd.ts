/**
 * Exact money arithmetic on decimal strings via BigInt, so costs never pass through a float.
 * Rates carry up to 9 decimals (USD per million tokens); costs are rounded half-up to 12
 * decimals (a pico-dollar), the precision of the `cost_usd` column.
 */

const RATE_DECIMALS = 9;
const COST_DECIMALS = 12;

/** Parses a non-negative decimal ("0.075", "3", 1.1) into an integer scaled by 10^decimals. */
export function toScaled(value: string | number, decimals: number): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a non-negative decimal: ${text}`);
  const whole = match[1]!;
  const fraction = (match[2] ?? '').padEnd(decimals, '0');
  if (fraction.length > decimals && /[1-9]/.test(fraction.slice(decimals))) {
    throw new RangeError(`${text} has more than ${decimals} decimals`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.slice(0, decimals) || '0');
}

export function formatScaled(value: bigint, decimals: number): string {
  const digits = value.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** tokens × (USD per million tokens), exact, as a 12-decimal string. */
export function tokenCostUsd(tokens: number, usdPerMtok: string | number): string {
  return formatScaled(tokenCostPico(tokens, usdPerMtok), COST_DECIMALS);
}

export function tokenCostPico(tokens: number, usdPerMtok: string | number): bigint {
  // tokens × rate[1e-9 USD/Mtok] is in 1e-15 USD; round half-up to 1e-12.
  const femto = BigInt(tokens) * scaledRate(usdPerMtok);
  return (femto + 500n) / 1000n;
}

// Rates come from the price sheet and routes files: a few dozen strings, parsed once each rather
// than per attempt (toScaled was ~2 % of the collector's CPU at 1,000 req/s, bench/profiles/).
const scaledRates = new Map<string | number, bigint>();

function scaledRate(usdPerMtok: string | number): bigint {
  let scaled = scaledRates.get(usdPerMtok);
  if (scaled === undefined) {
    scaled = toScaled(usdPerMtok, RATE_DECIMALS);
    // Bounded: a process that reloads many distinct price files starts over rather than growing.
    if (scaledRates.size >= 4096) scaledRates.clear();
    scaledRates.set(usdPerMtok, scaled);
  }
  return scaled;
}

export function sumUsd(values: string[]): string {
  return formatScaled(
    values.reduce((acc, v) => acc + toScaled(v, COST_DECIMALS), 0n),
    COST_DECIMALS,
  );
}

export function picoToUsd(pico: bigint): string {
  return formatScaled(pico, COST_DECIMALS);
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative finite number: ${value}`);
  // Catalog rates are short decimals; toFixed avoids exponent notation for tiny ones.
  return Number.isInteger(value) ? String(value) : value.toFixed(RATE_DECIMALS).replace(/0+$/, '');
}
