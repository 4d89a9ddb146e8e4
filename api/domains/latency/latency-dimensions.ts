/** What latency and goodput reports group by: columns of attempts_per_minute_by_deployment_v2 (an allow-list). */
export const latencyDimensions = ['provider', 'deployment', 'model', 'route', 'team'] as const;
export type LatencyDimension = (typeof latencyDimensions)[number];

/** The GROUP BY list for the chosen dimensions (from the allow-list only) plus the bucket, if any. */
export function groupColumns(dims: readonly LatencyDimension[], bucketed: boolean): string[] {
  const cols = latencyDimensions.filter((d) => dims.includes(d)) as string[];
  return bucketed ? ['bucket', ...cols] : cols;
}
