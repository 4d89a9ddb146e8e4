import type { Percentiles } from './weekly-report.ts';

/** Shared number formats of the Markdown and HTML reports. */
export const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
export const pcts = (p: Percentiles | null) => (p ? `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)}` : '–');
export const share = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
export const change = (v: number | null) => (v === null ? 'new' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`);
/**
 * USD for reading: to the cent, and amounts under a cent to two significant digits (at most 9
 * decimals), since a small team's week of LLM spend is often under a cent and "$0.00" hid it.
 * The exact value stays in the JSON beside the report.
 */
export const usd = (exact: string) => {
  const v = Number(exact);
  if (v === 0 || Math.abs(v) >= 0.01) return `$${v.toFixed(2)}`;
  return `$${v.toFixed(Math.min(9, 1 - Math.floor(Math.log10(Math.abs(v)))))}`;
};
export const when = (msSinceEpoch: number) => new Date(msSinceEpoch).toISOString().slice(0, 16).replace('T', ' ');
export const duration = (d: number) => (d >= 3_600_000 ? `${(d / 3_600_000).toFixed(1)} h` : `${Math.round(d / 60_000)} min`);
export const labels = (l: Record<string, string>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
