import { createHash } from 'node:crypto';

/** Stable identity of an alert: its rule and group labels, order-independent. 16 hex chars. */
export function alertFingerprint(rule: string, groupLabels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(groupLabels)
    .sort()
    .map((k) => `${k}\u0000${groupLabels[k]}`);
  return createHash('sha256')
    .update([rule, ...parts].join('\u0001'))
    .digest('hex')
    .slice(0, 16);
}
