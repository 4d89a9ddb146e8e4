/** Epoch ms → the `YYYY-MM-DD hh:mm:ss.sss` form ClickHouse DateTime64(3, 'UTC') reads exactly. */
export function toChTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** A DateTime64(3, 'UTC') as ClickHouse prints it → epoch ms. */
export function fromChTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}
