export interface Weighted {
  name: string;
  weight: number;
}

/**
 * Orders deployments for one request: weighted sampling without replacement, so the first
 * pick follows the weights and the rest form the failover chain in weighted order.
 * Zero-weight deployments come last, in config order, as a last resort only.
 * `random` returns [0, 1).
 */
export function weightedOrder<T extends Weighted>(items: readonly T[], random: () => number): T[] {
  const pool = items.filter((i) => i.weight > 0);
  const order: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, i) => sum + i.weight, 0);
    let point = random() * total;
    let index = pool.findIndex((i) => (point -= i.weight) < 0);
    if (index < 0) index = pool.length - 1; // float rounding at the upper edge
    order.push(pool.splice(index, 1)[0]!);
  }
  return order.concat(items.filter((i) => !(i.weight > 0)));
}
